import { readFile } from "node:fs/promises";
import { letterbox } from "../image/letterbox.js";
import { findModel, modelPath } from "../models/manifest.js";
import { yoloForRectInput } from "../runtime/onnx-rect-input.js";
import { createSession, floatTensor, runSingle, type ort } from "../runtime/onnx-session.js";
import type { Detection, Detector, DetectorLoadOptions, RgbImage } from "./detector.js";

const INPUT_SIZE = 640;
/** Input shapes besides the square kept at once (a worker sees one or two camera aspects). */
const MAX_RECT_SHAPES = 4;

export interface PlateYoloOptions {
  /** Minimum score kept; the model's real plates score 0.3–0.8 on street scenes. */
  minScore?: number;
  /** Wide and tall images go in at 640 × (multiple of 32) instead of 640² (default true; false for comparisons). */
  rectInput?: boolean;
}

/**
 * The input for an image: 640 on its long side, the short side rounded up to a multiple of 32 — a 16:9 frame at
 * 640×384 instead of 640×640, at the same scale, so 40 % fewer pixels through the network (bench/plate-rect-input.ts).
 */
export function rectInputSize(width: number, height: number): { width: number; height: number } {
  const short = (side: number) => Math.min(INPUT_SIZE, Math.ceil((INPUT_SIZE * side) / Math.max(width, height) / 32) * 32);
  return width >= height ? { width: INPUT_SIZE, height: short(height) } : { width: short(width), height: INPUT_SIZE };
}

/**
 * The Vietnamese YOLO plate detector: end-to-end export, 300 candidates of x1,y1,x2,y2,score,class
 * in letterboxed input pixels, already NMS-ed.
 */
export class PlateYoloDetector implements Detector {
  readonly name = "plate-detector-yolo-vn-640";
  readonly labels = ["plate"] as const;
  private session: ort.InferenceSession | undefined;
  private readonly minScore: number;
  private readonly rectInput: boolean;
  /** The square export's bytes and threads, for the rectangular sessions derived from it on first use. */
  private source: { model: Uint8Array; threads: number } | undefined;
  /** Sessions by input shape ("640x384"); undefined where the export could not be rewritten (the square is used). */
  private readonly rectSessions = new Map<string, ort.InferenceSession | undefined>();
  /** Input buffer reused frame to frame (up to 4.9 MB); calls are serialised so it is never shared. */
  private input: Float32Array | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PlateYoloOptions = {}) {
    this.minScore = options.minScore ?? 0.25;
    this.rectInput = options.rectInput ?? true;
  }

  async load(options: DetectorLoadOptions): Promise<void> {
    const file = modelPath(findModel(this.name), options.modelsDir);
    // With rectangular inputs the bytes are kept to derive them from, so the file is read once for both.
    const model = this.rectInput ? await readFile(file) : file;
    this.session = await createSession(model, { threads: options.threads });
    if (typeof model !== "string") this.source = { model, threads: options.threads };
    await this.detect({ data: Buffer.alloc(64 * 64 * 3, 114), width: 64, height: 64 });
  }

  /** The session and input size for an image: a rectangular one when the image is not square and the export allows. */
  private async sessionFor(image: RgbImage): Promise<{ session: ort.InferenceSession; width: number; height: number }> {
    const square = { session: this.session!, width: INPUT_SIZE, height: INPUT_SIZE };
    if (!this.source) return square;
    const size = rectInputSize(image.width, image.height);
    if (size.width === INPUT_SIZE && size.height === INPUT_SIZE) return square;
    const key = `${size.width}x${size.height}`;
    if (!this.rectSessions.has(key)) {
      if (this.rectSessions.size >= MAX_RECT_SHAPES) return square;
      const model = yoloForRectInput(this.source.model, INPUT_SIZE, size.width, size.height);
      this.rectSessions.set(key, model ? await createSession(model, { threads: this.source.threads }) : undefined);
    }
    const session = this.rectSessions.get(key);
    return session ? { session, ...size } : square;
  }

  detect(image: RgbImage): Promise<Detection[]> {
    const run = this.queue.then(() => this.detectNow(image));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async detectNow(image: RgbImage): Promise<Detection[]> {
    if (!this.session) throw new Error(`${this.name} is not loaded`);
    const input = await this.sessionFor(image);
    const lb = await letterbox(image, input, this.input);
    this.input = lb.tensor;
    const { data, dims } = await runSingle(input.session, floatTensor(lb.tensor, [1, 3, input.height, input.width]));
    const count = dims[1] ?? 0;
    const stride = dims[2] ?? 6;
    const out: Detection[] = [];
    for (let i = 0; i < count; i++) {
      const o = i * stride;
      const score = data[o + 4]!;
      if (score < this.minScore) continue;
      const x1 = clamp01((data[o]! - lb.padX) / lb.scale / image.width);
      const y1 = clamp01((data[o + 1]! - lb.padY) / lb.scale / image.height);
      const x2 = clamp01((data[o + 2]! - lb.padX) / lb.scale / image.width);
      const y2 = clamp01((data[o + 3]! - lb.padY) / lb.scale / image.height);
      if (x2 <= x1 || y2 <= y1) continue;
      out.push({ label: "plate", confidence: Math.min(1, score), bbox: [x1, y1, x2 - x1, y2 - y1] });
    }
    return out.sort((a, b) => b.confidence - a.confidence);
  }

  async close(): Promise<void> {
    await this.session?.release();
    for (const session of this.rectSessions.values()) await session?.release();
    this.rectSessions.clear();
    this.session = undefined;
    this.source = undefined;
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
