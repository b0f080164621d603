import type { NormalisedBox } from "@vigil/contracts";
import type { Detection, Detector, RgbImage } from "../detectors/detector.js";
import type { PlateReader, PlateReading } from "./plate-reader.js";

export interface DetectedPlate {
  bbox: NormalisedBox;
  detectorScore: number;
  reading?: PlateReading;
}

export interface PlateStageTimings {
  detectMs: number;
  ocrMs: number;
}

/**
 * One frame through the plate stages: detect, then read the boxes the caller wants read (the
 * tracker skips plates whose reading is already stable, which is most of them on a busy camera).
 */
export class PlatePipeline {
  constructor(
    private readonly detector: Detector,
    private readonly reader: PlateReader,
    /** The fallback text detector also finds shop signs; its boxes only count when they read as a plate. */
    private readonly requireValidReading = false,
  ) {}

  get detectorName(): string {
    return this.detector.name;
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    return this.detector.detect(image);
  }

  async read(image: RgbImage, box: NormalisedBox): Promise<PlateReading> {
    return this.reader.readBox(image, box);
  }

  /** Detects and reads every plate (the analyze API and the evaluation use this). */
  async analyze(image: RgbImage): Promise<{ plates: DetectedPlate[]; timings: PlateStageTimings }> {
    const t0 = performance.now();
    const detections = await this.detector.detect(image);
    const t1 = performance.now();
    const plates: DetectedPlate[] = [];
    for (const d of detections) {
      const reading = await this.reader.readBox(image, d.bbox);
      if (this.requireValidReading && !reading.valid) continue;
      plates.push({ bbox: d.bbox, detectorScore: d.confidence, reading });
    }
    // A close-up of a plate (a patrol's phone photo, a crop) fills the image and the detector sees
    // no plate in it: read the whole image, and keep it only when it reads as a valid plate.
    if (detections.length === 0 && image.width <= 1000 && image.height <= 1000) {
      const reading = await this.reader.readCrop(image);
      if (reading.valid) plates.push({ bbox: [0, 0, 1, 1], detectorScore: 0, reading });
    }
    return { plates, timings: { detectMs: t1 - t0, ocrMs: performance.now() - t1 } };
  }
}
