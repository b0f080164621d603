import { parsePlate, type NormalisedBox } from "@vigil/contracts";
import { cropRgb, type PixelRect, type RgbImage } from "../image/rgb-image.js";
import type { CnnPlateReader } from "../ocr/cnn-plate-reader.js";
import type { TextLineReader } from "../ocr/paddle-recognizer.js";
import { decodePlate, type PlateDecode } from "./plate-decode.js";
import { splitPlateLines } from "./plate-layout.js";

export interface PlateReading extends PlateDecode {
  /** The crop that was read (kept for evidence). */
  crop: RgbImage;
  /** Which reader's text won. */
  reader: "paddle" | "cnn";
}

export interface PlateReaderOptions {
  /** Margin added around a detector box, as a fraction of its size on each side. */
  margin?: number;
  /** Second reader (the CNN): its reading wins when it is valid and surer than the first's. */
  second?: CnnPlateReader;
}

/** Pixel rectangle of a normalised box grown by a margin. */
export function boxToRect(box: NormalisedBox, image: { width: number; height: number }, margin: number): PixelRect {
  const [x, y, w, h] = box;
  const mx = w * margin;
  const my = h * margin;
  return {
    x: (x - mx) * image.width,
    y: (y - my) * image.height,
    w: (w + 2 * mx) * image.width,
    h: (h + 2 * my) * image.height,
  };
}

/**
 * Reads one plate: crop (with margin) → layout (one or two rows) → OCR per line → format-aware
 * decoding. Pure orchestration over an injected line reader so other OCR models plug in.
 */
export class PlateReader {
  private readonly margin: number;
  private readonly second: CnnPlateReader | undefined;

  constructor(
    private readonly reader: TextLineReader,
    options: PlateReaderOptions = {},
  ) {
    this.margin = options.margin ?? 0.03;
    this.second = options.second;
  }

  async readBox(image: RgbImage, box: NormalisedBox): Promise<PlateReading> {
    const crop = cropRgb(image, boxToRect(box, image, this.margin));
    return this.readCrop(crop);
  }

  /** Reads an already cropped plate (tight crop, as the dataset's). */
  async readCrop(crop: RgbImage): Promise<PlateReading> {
    const layout = splitPlateLines(crop);
    const lines = await this.reader.readLines(layout.lines);
    const first: PlateReading = { ...decodePlate(lines), crop, reader: "paddle" };
    if (!this.second) return first;
    const [chars] = await this.second.read([crop]);
    const decoded = decodePlate([chars ?? []]);
    // The CNN reads both layouts as one sequence; it keeps the first reader's row layout.
    const other: PlateReading = { ...decoded, rows: first.rows, display: parsePlate(decoded.plate, { rows: first.rows }).display, crop, reader: "cnn" };
    if (other.valid && other.plate === first.plate) return { ...first, confidence: Math.max(first.confidence, other.confidence) };
    return other.valid && (!first.valid || other.confidence > first.confidence) ? other : first;
  }
}
