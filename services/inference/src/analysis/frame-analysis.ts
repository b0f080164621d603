import { existsSync } from "node:fs";
import { analyzeResponseSchema, type AnalyzeResponse, type FireEvent, type Frame, type PlateEvent } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { Detector, RgbImage } from "../detectors/detector.js";
import { PaddleTextPlateDetector } from "../detectors/paddle-text-plate-detector.js";
import { PlateYoloDetector } from "../detectors/plate-yolo.js";
import { DEFAULT_EVIDENCE, EvidenceWriter, type EvidenceOptions } from "../evidence/evidence-writer.js";
import type { FireDetectorName } from "../detectors/fire-detector-names.js";
import { loadFireStage, type FireStage } from "../fire-stage.js";
import type { FireRateOptions } from "../fire/fire-rate-gate.js";
import { decodeImage } from "../image/rgb-image.js";
import { Yuv420Image } from "../image/yuv420-image.js";
import { MotionGate, type FrameMotion } from "../intake/motion-gate.js";
import type { AnalysisMetrics } from "../metrics.js";
import { findModel, modelPath } from "../models/manifest.js";
import { CnnPlateReader } from "../ocr/cnn-plate-reader.js";
import { PaddleRecognizer } from "../ocr/paddle-recognizer.js";
import { PlateEventStage } from "../plates/plate-event-stage.js";
import { PlatePipeline } from "../plates/plate-pipeline.js";
import { PlateReader } from "../plates/plate-reader.js";
import { PlateTracker, type TrackerOptions } from "../tracking/plate-tracker.js";

/** What one analysis unit (the main thread, or one worker thread) needs; plain data, so it crosses to a worker. */
export interface FrameAnalysisConfig {
  modelsDir: string;
  mediaDir: string;
  /** onnxruntime intra-op threads per model. */
  threads: number;
  tracker?: TrackerOptions;
  /** Skip the plate detector on still frames (default on); also what the two options below go by. */
  motionGate?: boolean;
  /** Plate detector on a window around small motion instead of the whole frame (plates/motion-crop.ts; default on). */
  motionCrop?: boolean;
  /** Plate detector at 640 × (multiple of 32) on wide frames instead of 640² (detectors/plate-yolo.ts; default on). */
  plateRectInput?: boolean;
  /** The fire rate gate's options (fire/fire-rate-gate.ts; defaults there). */
  fireRate?: Partial<FireRateOptions>;
  /** Load the fire model (default true); off in plate-only tests and benches. */
  fire?: boolean;
  evidence?: EvidenceOptions;
  /** Which fire detector (detectors/fire-registry.ts); default DEFAULT_FIRE_DETECTOR. */
  fireDetector?: FireDetectorName;
}

export interface FrameAnalysisDeps {
  logger: Logger;
  metrics: AnalysisMetrics;
  /** Hands an event to the outbox; resolves once it is durable there. */
  publishPlate(event: PlateEvent): Promise<void>;
  publishFire(event: FireEvent): Promise<void>;
}

/** The models and per-camera state that turn frames into events; not safe for two frames at once. */
export interface FrameAnalysis {
  /**
   * Plates and fire on one frame; errors are counted and logged, never thrown. `lane` says which
   * worker of a pool takes it (FrameLanes assigns it per camera); in the main thread it is unused.
   */
  process(frame: Frame, lane?: number): Promise<void>;
  /** One still image through detection and OCR, no tracking (POST /api/v1/analyze). */
  analyze(image: Uint8Array): Promise<AnalyzeResponse>;
  /** Name of the plate detector in use (the YOLO model, or the PaddleOCR text fallback). */
  plateDetector: string;
  close(): Promise<void>;
}

/** Picks the plate detector: the YOLO plate model when installed, else PaddleOCR's text detector. */
export function choosePlateDetector(modelsDir: string, logger: Logger, rectInput = true): { detector: Detector; fallback: boolean } {
  const yolo = new PlateYoloDetector({ rectInput });
  if (existsSync(modelPath(findModel(yolo.name), modelsDir))) return { detector: yolo, fallback: false };
  logger.warn({ modelsDir }, "plate detector not installed (npm run models); falling back to PaddleOCR text detection, slower and less precise");
  return { detector: new PaddleTextPlateDetector(), fallback: true };
}

/** Loads the models and builds the plate and fire stages: detect → track → read → vote → evidence → event. */
export async function createFrameAnalysis(config: FrameAnalysisConfig, deps: FrameAnalysisDeps): Promise<FrameAnalysis> {
  const { logger, metrics } = deps;
  const loadOptions = { modelsDir: config.modelsDir, threads: config.threads };

  const { detector, fallback } = choosePlateDetector(config.modelsDir, logger, config.plateRectInput ?? true);
  const recognizer = new PaddleRecognizer();
  // The CNN reader is an optional second opinion (+2–3 points on two-row plates, ~4 ms a plate).
  const cnn = existsSync(modelPath(findModel("plate-ocr-vn-cnn-64x128"), config.modelsDir)) ? new CnnPlateReader() : undefined;
  await Promise.all([detector.load(loadOptions), recognizer.load(loadOptions), cnn?.load(loadOptions)]);
  const pipeline = new PlatePipeline(detector, new PlateReader(recognizer, cnn ? { second: cnn } : {}), fallback);
  logger.info({ detector: detector.name, readers: [recognizer.name, ...(cnn ? [cnn.name] : [])] }, "plate models loaded");

  const evidence = new EvidenceWriter({
    mediaDir: config.mediaDir,
    ...(config.evidence ? { maxWidth: config.evidence.snapshotWidth, quality: config.evidence.jpegQuality } : {}),
    onError: (err) => logger.warn({ err }, "evidence JPEG not written; event goes out without it"),
  });
  // One motion measurement per frame, shared: where and whether the plate detector looks, and how often fire does.
  const motionGate = config.motionGate === false ? undefined : new MotionGate();
  const plates = new PlateEventStage({
    pipeline,
    tracker: new PlateTracker(config.tracker),
    ...(motionGate ? { motionGate } : {}),
    ...(config.motionCrop === false ? { motionCrop: false as const } : {}),
    evidence,
    publish: deps.publishPlate,
    metrics,
    logger: logger.child({ module: "plates" }),
  });

  let fire: FireStage | undefined;
  if (config.fire !== false) {
    fire = await loadFireStage({ loadOptions, ...(config.fireDetector ? { detector: config.fireDetector } : {}), ...(config.fireRate === undefined ? {} : { rate: config.fireRate }), mediaDir: config.mediaDir, evidence: config.evidence ?? DEFAULT_EVIDENCE, publish: deps.publishFire, logger: logger.child({ module: "fire" }) });
  }

  async function process(frame: Frame): Promise<void> {
    let image: RgbImage;
    const camera = frame.cameraId;
    const decodeStart = performance.now();
    try {
      image = await frameToRgb(frame);
    } catch (err) {
      metrics.count("framesRejected", { reason: "undecodable" });
      logger.debug({ err, cameraId: frame.cameraId }, "frame rejected");
      return;
    }
    const t0 = performance.now();
    metrics.observeStage("decode", t0 - decodeStart, camera);
    try {
      const wantsPlates = frame.analytics.includes("plates");
      const wantsFire = fire !== undefined && frame.analytics.includes("fire");
      let motion: FrameMotion | undefined;
      if (motionGate && (wantsPlates || wantsFire)) {
        const m0 = performance.now();
        motion = motionGate.observe(camera, image);
        metrics.observeStage("motion", performance.now() - m0);
      }
      if (wantsPlates) {
        const p0 = performance.now();
        await plates.process(frame.cameraId, image, frame.captureTs, motion);
        metrics.observeStage("plates", performance.now() - p0, camera);
      }
      if (wantsFire) {
        const f0 = performance.now();
        const looked = await fire!.process(frame.cameraId, image, frame.captureTs, frame.fire, motion);
        metrics.observeStage("fire", performance.now() - f0, camera);
        if (!looked) metrics.count("fireFramesSkipped");
      }
      metrics.count("framesProcessed", { camera: frame.cameraId });
    } catch (err) {
      metrics.count("errors", { stage: "frame" });
      logger.warn({ err, cameraId: frame.cameraId }, "frame processing failed");
    }
    metrics.observeStage("frame", performance.now() - t0);
  }

  async function analyze(bytes: Uint8Array): Promise<AnalyzeResponse> {
    const t0 = performance.now();
    const image = await decodeImage(bytes);
    const t1 = performance.now();
    const result = await pipeline.analyze(image);
    const fireFound = fire ? await fire.detect(image) : { detections: [], ms: 0 };
    metrics.observeStage("analyze_decode", t1 - t0);
    metrics.observeStage("plate_detect", result.timings.detectMs);
    metrics.observeStage("plate_ocr", result.timings.ocrMs);
    return analyzeResponseSchema.parse({
      plates: result.plates
        .filter((p) => p.reading && p.reading.plate.length >= 4)
        .map((p) => ({
          plate: p.reading!.plate,
          display: p.reading!.display,
          rows: p.reading!.rows,
          confidence: Math.round(p.reading!.confidence * 1000) / 1000,
          bbox: p.bbox.map((v) => Math.round(v * 10000) / 10000) as [number, number, number, number],
          valid: p.reading!.valid,
        })),
      fire: fireFound.detections.map((d) => ({ kind: d.label === "smoke" ? "smoke" : "fire", confidence: Math.round(d.confidence * 1000) / 1000, bbox: d.bbox })),
      timingsMs: { decode: round1(t1 - t0), detect: round1(result.timings.detectMs), ocr: round1(result.timings.ocrMs), fire: round1(fireFound.ms), total: round1(performance.now() - t0) },
    });
  }

  return {
    process,
    analyze,
    plateDetector: detector.name,
    async close() {
      await fire?.close();
      await detector.close();
      await recognizer.close();
      await cnn?.close();
    },
  };
}

async function frameToRgb(frame: Frame): Promise<RgbImage> {
  if (frame.format === "jpeg") return decodeImage(frame.data);
  const data = Buffer.isBuffer(frame.data) ? frame.data : Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  // Converted to RGB only where looked at (image/yuv420-image.ts).
  if (frame.format === "yuv420") return new Yuv420Image(data, frame.width, frame.height);
  if (data.length !== frame.width * frame.height * 3) throw new Error(`rgb24 frame has ${data.length} bytes, expected ${frame.width * frame.height * 3}`);
  return { data, width: frame.width, height: frame.height };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
