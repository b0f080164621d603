import { readFile } from "node:fs/promises";
import type * as ort from "onnxruntime-node";
import { Tensor } from "onnxruntime-node";
import { z } from "zod";
import type { NormalisedBox } from "@vigil/contracts";
import { thresholdForSensitivity, type Detection, type DetectionSensitivity, type Detector, type DetectorLoadOptions, type DetectOptions, type RgbImage } from "./detector.js";
import { assertRgbImage, createFireSession, resizeRgb, rgbToNchw, VIGIL_FIRE_MODEL_PATH } from "./fire-onnx.js";

/** Sidecar written by models/training/fire/train.py next to the ONNX file. */
const gridModelMeta = z.object({
  input: z.object({ name: z.string(), shape: z.tuple([z.literal(1), z.literal(3), z.number().int(), z.number().int()]) }),
  output: z.object({ name: z.string(), shape: z.tuple([z.literal(1), z.number().int(), z.number().int(), z.number().int()]) }),
  labels: z.array(z.string()),
  thresholds: z.record(z.string(), z.number().min(0).max(1)),
});
type GridModelMeta = z.infer<typeof gridModelMeta>;

export interface VigilFireGridOptions {
  /** ONNX file; its `.json` sidecar (same name) holds input size and calibrated thresholds. */
  modelPath?: string;
  /** Per-label thresholds overriding the calibrated ones (e.g. 0 in evaluation sweeps). */
  thresholds?: Partial<Record<string, number>>;
}

/**
 * Groups positive cells of one class (probability ≥ threshold) into 8-connected components;
 * each component becomes one box with the component's best cell probability as confidence.
 */
export function cellsToBoxes(
  probs: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  threshold: number,
): Array<{ bbox: NormalisedBox; confidence: number }> {
  const seen = new Uint8Array(rows * cols);
  const boxes: Array<{ bbox: NormalisedBox; confidence: number }> = [];
  for (let start = 0; start < rows * cols; start += 1) {
    if (seen[start] || probs[offset + start]! < threshold) continue;
    let minR = rows, maxR = -1, minC = cols, maxC = -1, best = 0;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const cell = stack.pop()!;
      const r = Math.floor(cell / cols);
      const c = cell % cols;
      minR = Math.min(minR, r); maxR = Math.max(maxR, r);
      minC = Math.min(minC, c); maxC = Math.max(maxC, c);
      best = Math.max(best, probs[offset + cell]!);
      for (let dr = -1; dr <= 1; dr += 1) {
        for (let dc = -1; dc <= 1; dc += 1) {
          const nr = r + dr, nc = c + dc;
          if (nr < 0 || nc < 0 || nr >= rows || nc >= cols) continue;
          const next = nr * cols + nc;
          if (!seen[next] && probs[offset + next]! >= threshold) {
            seen[next] = 1;
            stack.push(next);
          }
        }
      }
    }
    boxes.push({ bbox: [minC / cols, minR / rows, (maxC - minC + 1) / cols, (maxR - minR + 1) / rows], confidence: best });
  }
  return boxes.sort((a, b) => b.confidence - a.confidence);
}

/**
 * Vigil's own fire & smoke model (models/fire/MODEL_CARD.md): a grid classifier that gives a
 * probability per 16×16-pixel cell of a resize of the frame to the sidecar's input (384 × 224 since 2026-12-07: 24 × 14
 * cells); boxes are groups of adjacent positive cells, so they are as coarse as the grid.
 */
export class VigilFireGridDetector implements Detector {
  readonly name = "vigil-fire-grid";
  readonly labels = ["fire", "smoke"] as const;
  private session: ort.InferenceSession | undefined;
  private meta: GridModelMeta | undefined;

  constructor(private readonly options: VigilFireGridOptions = {}) {}

  async load({ threads }: DetectorLoadOptions): Promise<void> {
    const modelPath = this.options.modelPath ?? VIGIL_FIRE_MODEL_PATH;
    const metaPath = modelPath.replace(/\.onnx$/, ".json");
    this.meta = gridModelMeta.parse(JSON.parse(await readFile(metaPath, "utf8")));
    this.session = await createFireSession(modelPath, threads);
    // Warm-up: the first run allocates and plans; do it here rather than on the first frame.
    const [, , h, w] = this.meta.input.shape;
    await this.detect({ data: Buffer.alloc(w * h * 3), width: w, height: h });
  }

  /** Calibrated threshold for a label (after any override), moved by a camera's sensitivity. */
  threshold(label: string, sensitivity: DetectionSensitivity = "normal"): number {
    return thresholdForSensitivity(this.options.thresholds?.[label] ?? this.meta?.thresholds[label] ?? 0.5, sensitivity);
  }

  /** Raw per-cell probabilities, [labels × rows × cols]; image-level score = max of a plane. */
  async cells(image: RgbImage): Promise<{ probs: Float32Array; rows: number; cols: number }> {
    if (!this.session || !this.meta) throw new Error(`${this.name}: load() first`);
    assertRgbImage(image);
    const [, , h, w] = this.meta.input.shape;
    const rgb = await resizeRgb(image, w, h);
    const input = new Tensor("float32", rgbToNchw(rgb, w, h), [1, 3, h, w]);
    const result = await this.session.run({ [this.meta.input.name]: input });
    const output = result[this.meta.output.name];
    if (!output) throw new Error(`${this.name}: model has no output ${this.meta.output.name}`);
    const [, , rows, cols] = this.meta.output.shape;
    return { probs: output.data as Float32Array, rows, cols };
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<Detection[]> {
    const { probs, rows, cols } = await this.cells(image);
    const detections: Detection[] = [];
    this.meta!.labels.forEach((label, index) => {
      for (const box of cellsToBoxes(probs, index * rows * cols, rows, cols, this.threshold(label, options.sensitivity))) {
        detections.push({ label, confidence: box.confidence, bbox: box.bbox });
      }
    });
    return detections;
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}
