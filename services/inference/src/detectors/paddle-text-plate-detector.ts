import sharp from "sharp";
import { findModel, modelPath } from "../models/manifest.js";
import { createSession, floatTensor, runSingle, type ort } from "../runtime/onnx-session.js";
import type { Detection, Detector, DetectorLoadOptions, RgbImage } from "./detector.js";

const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
}

/**
 * Fallback plate finder for a fresh install without the YOLO plate detector: PaddleOCR's text
 * detector (DB) finds text lines, and lines stacked like a two-row plate are merged. It finds any
 * text, so the plate format check downstream is what keeps shop signs out.
 */
export class PaddleTextPlateDetector implements Detector {
  readonly name = "paddleocr-det-v4";
  readonly labels = ["plate"] as const;
  private session: ort.InferenceSession | undefined;

  constructor(private readonly maxSide = 960) {}

  async load(options: DetectorLoadOptions): Promise<void> {
    this.session = await createSession(modelPath(findModel(this.name), options.modelsDir), { threads: options.threads });
    await this.detect({ data: Buffer.alloc(64 * 64 * 3, 200), width: 64, height: 64 });
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    if (!this.session) throw new Error(`${this.name} is not loaded`);
    const scale = Math.min(1, this.maxSide / Math.max(image.width, image.height));
    const w = Math.max(32, Math.round((image.width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((image.height * scale) / 32) * 32);
    const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(w, h, { fit: "fill" })
      .raw()
      .toBuffer();
    const plane = w * h;
    const tensor = new Float32Array(3 * plane);
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      // BGR order, ImageNet normalisation, as PaddleOCR's det preprocessing.
      tensor[i] = (resized[p + 2]! / 255 - MEAN[0]) / STD[0];
      tensor[i + plane] = (resized[p + 1]! / 255 - MEAN[1]) / STD[1];
      tensor[i + 2 * plane] = (resized[p]! / 255 - MEAN[2]) / STD[2];
    }
    const { data } = await runSingle(this.session, floatTensor(tensor, [1, 3, h, w]));
    const lines = textBoxes(data, w, h);
    return mergeStackedLines(lines).map((b) => ({
      label: "plate",
      confidence: b.score,
      bbox: [b.x0 / w, b.y0 / h, (b.x1 - b.x0) / w, (b.y1 - b.y0) / h],
    }));
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}

/** DB post-processing, simplified to axis-aligned boxes: threshold, connected components, unclip. */
export function textBoxes(prob: Float32Array, w: number, h: number, threshold = 0.3, minScore = 0.5): Box[] {
  const labels = new Int32Array(w * h).fill(-1);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (prob[start]! < threshold || labels[start] !== -1) continue;
    let x0 = w;
    let y0 = h;
    let x1 = 0;
    let y1 = 0;
    let sum = 0;
    let count = 0;
    stack.push(start);
    labels[start] = boxes.length;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      sum += prob[i]!;
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (const n of [i - 1, i + 1, i - w, i + w]) {
        if (n < 0 || n >= w * h || labels[n] !== -1 || prob[n]! < threshold) continue;
        if ((n === i - 1 && x === 0) || (n === i + 1 && x === w - 1)) continue;
        labels[n] = boxes.length;
        stack.push(n);
      }
    }
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    if (count < 12 || bh < 3) continue;
    const score = sum / count;
    if (score < minScore) continue;
    // DB shrinks text regions during training; grow them back (unclip ratio 1.5 on the area/perimeter).
    const d = (bw * bh * 1.5) / (2 * (bw + bh));
    boxes.push({ x0: Math.max(0, x0 - d), y0: Math.max(0, y0 - d), x1: Math.min(w, x1 + 1 + d), y1: Math.min(h, y1 + 1 + d), score });
  }
  return boxes;
}

/** Merges pairs of text lines stacked like the two rows of a plate (similar width, touching vertically). */
export function mergeStackedLines(lines: Box[]): Box[] {
  const used = new Set<number>();
  const out: Box[] = [];
  const sorted = [...lines].sort((a, b) => a.y0 - b.y0);
  for (let i = 0; i < sorted.length; i++) {
    if (used.has(i)) continue;
    const a = sorted[i]!;
    let merged = a;
    for (let j = i + 1; j < sorted.length; j++) {
      if (used.has(j)) continue;
      const b = sorted[j]!;
      const ah = a.y1 - a.y0;
      const overlapX = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const gap = b.y0 - a.y1;
      if (overlapX > 0.6 * Math.min(a.x1 - a.x0, b.x1 - b.x0) && gap < 0.6 * ah && gap > -0.5 * ah) {
        merged = { x0: Math.min(a.x0, b.x0), y0: a.y0, x1: Math.max(a.x1, b.x1), y1: b.y1, score: (a.score + b.score) / 2 };
        used.add(j);
        break;
      }
    }
    out.push(merged);
  }
  return out;
}
