import path from "node:path";
import type * as ort from "onnxruntime-node";
import { Tensor } from "onnxruntime-node";
import sharp from "sharp";
import type { NormalisedBox } from "@vigil/contracts";
import type { Detection, Detector, DetectorLoadOptions, RgbImage } from "./detector.js";
import { assertRgbImage, createFireSession, rgbToNchw } from "./fire-onnx.js";

export const YOLOV8_FIRE_BASELINE_FILE = "fire-smoke-yolov8n-int8-416.onnx";
const INPUT = 416;
const LABELS = ["fire", "smoke"] as const;

export interface YoloFireBaselineOptions {
  /** Defaults to MODELS_DIR/fire-smoke-yolov8n-int8-416.onnx. */
  modelPath?: string;
  /** Minimum class score. The int8 model's scores sit at 0 or ~1.71, so any cut in (0,1) is the same. */
  scoreThreshold?: number;
  iouThreshold?: number;
}

interface Candidate {
  label: (typeof LABELS)[number];
  score: number;
  /** x1, y1, x2, y2 in letterboxed input pixels. */
  box: [number, number, number, number];
}

function iou(a: Candidate["box"], b: Candidate["box"]): number {
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy per-class non-maximum suppression. */
export function nonMaxSuppression(candidates: Candidate[], iouThreshold: number): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of [...candidates].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => k.label !== c.label || iou(k.box, c.box) < iouThreshold)) kept.push(c);
  }
  return kept;
}

/**
 * The shared demo model (Ultralytics YOLOv8n, int8, 416², author's mAP50 0.264), kept as the
 * baseline Vigil's own model is measured against. Output [1, 6, 3549]: cx, cy, w, h (input
 * pixels), fire score, smoke score per anchor; no NMS inside, so it is done here.
 */
export class YoloFireBaselineDetector implements Detector {
  readonly name = "fire-yolov8n-baseline";
  readonly labels = LABELS;
  private session: ort.InferenceSession | undefined;

  constructor(private readonly options: YoloFireBaselineOptions = {}) {}

  async load({ modelsDir, threads }: DetectorLoadOptions): Promise<void> {
    this.session = await createFireSession(this.options.modelPath ?? path.join(modelsDir, YOLOV8_FIRE_BASELINE_FILE), threads);
    await this.detect({ data: Buffer.alloc(INPUT * INPUT * 3), width: INPUT, height: INPUT });
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    if (!this.session) throw new Error(`${this.name}: load() first`);
    assertRgbImage(image);
    // Letterbox with grey 114 padding, as Ultralytics trains.
    const scale = Math.min(INPUT / image.width, INPUT / image.height);
    const w = Math.max(1, Math.round(image.width * scale));
    const h = Math.max(1, Math.round(image.height * scale));
    const padX = Math.floor((INPUT - w) / 2);
    const padY = Math.floor((INPUT - h) / 2);
    const rgb = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(w, h, { fit: "fill", kernel: "linear" })
      .extend({ top: padY, bottom: INPUT - h - padY, left: padX, right: INPUT - w - padX, background: { r: 114, g: 114, b: 114 } })
      .raw()
      .toBuffer();
    const input = new Tensor("float32", rgbToNchw(rgb, INPUT, INPUT), [1, 3, INPUT, INPUT]);
    const inputName = this.session.inputNames[0]!;
    const result = await this.session.run({ [inputName]: input });
    const output = result[this.session.outputNames[0]!]!;
    const data = output.data as Float32Array;
    const anchors = output.dims[2]!;
    const threshold = this.options.scoreThreshold ?? 0.25;
    const candidates: Candidate[] = [];
    for (let a = 0; a < anchors; a += 1) {
      for (let k = 0; k < LABELS.length; k += 1) {
        const score = data[(4 + k) * anchors + a]!;
        if (score < threshold) continue;
        const cx = data[a]!, cy = data[anchors + a]!, bw = data[2 * anchors + a]!, bh = data[3 * anchors + a]!;
        candidates.push({ label: LABELS[k]!, score, box: [cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2] });
      }
    }
    return nonMaxSuppression(candidates, this.options.iouThreshold ?? 0.45).map((c) => ({
      label: c.label,
      // Broken int8 calibration gives scores above 1; the contract wants 0..1.
      confidence: Math.min(1, c.score),
      bbox: toNormalised(c.box, padX, padY, w, h),
    }));
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}

/** Letterboxed input pixels → [x, y, w, h] fractions of the original image, clamped to it. */
function toNormalised(box: Candidate["box"], padX: number, padY: number, w: number, h: number): NormalisedBox {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const x1 = clamp((box[0] - padX) / w), y1 = clamp((box[1] - padY) / h);
  const x2 = clamp((box[2] - padX) / w), y2 = clamp((box[3] - padY) / h);
  return [x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1)];
}
