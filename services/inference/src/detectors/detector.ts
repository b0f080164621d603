import type { NormalisedBox } from "@vigil/contracts";

/** Decoded pixels handed to detectors: packed RGB, 3 bytes a pixel, row-major. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
  /**
   * Present on a picture held in other pixels (a YUV frame, image/yuv420-image.ts): makes RGB of a
   * rectangle only, where `data` would convert the whole picture. image/rgb-image.ts' cropRgb uses it.
   */
  crop?(rect: { x: number; y: number; w: number; h: number }): RgbImage;
}

export interface Detection {
  /** Detector-specific class name, e.g. "plate", "fire", "smoke". */
  label: string;
  confidence: number;
  /** [x, y, w, h] as fractions of the image. */
  bbox: NormalisedBox;
}

export interface DetectorLoadOptions {
  /** Directory holding downloaded models (MODELS_DIR). */
  modelsDir: string;
  /** onnxruntime intra-op threads for this session. */
  threads: number;
}

/** How eager a detector should be: per camera (`fireSensitivity`), "normal" = the calibrated thresholds. */
export type DetectionSensitivity = "low" | "normal" | "high";

export interface DetectOptions {
  sensitivity?: DetectionSensitivity;
}

/**
 * The threshold a camera's sensitivity puts on a calibrated one: "low" halves the distance to 1
 * (fewer, surer alarms), "high" takes 30 % off (earlier, more false alarms).
 */
export function thresholdForSensitivity(calibrated: number, sensitivity: DetectionSensitivity = "normal"): number {
  if (sensitivity === "low") return calibrated + (1 - calibrated) * 0.5;
  if (sensitivity === "high") return calibrated * 0.7;
  return calibrated;
}

/**
 * Every model is a plugin behind this interface: a new model is one new file that implements it
 * and one line in the registry. `load` creates and warms the session once; `detect` is called per
 * frame; `close` releases native memory.
 */
export interface Detector {
  readonly name: string;
  readonly labels: readonly string[];
  load(options: DetectorLoadOptions): Promise<void>;
  /** Detectors without a notion of sensitivity ignore `options`. */
  detect(image: RgbImage, options?: DetectOptions): Promise<Detection[]>;
  close(): Promise<void>;
}
