import { letterbox } from "../image/letterbox.js";
import { findModel, modelPath } from "../models/manifest.js";
import { createSession, floatTensor, runSingle, type ort } from "../runtime/onnx-session.js";
import type { Detection, Detector, DetectorLoadOptions, RgbImage } from "./detector.js";

const INPUT_SIZE = 640;

export interface PlateYoloOptions {
  /** Minimum score kept; the model's real plates score 0.3–0.8 on street scenes. */
  minScore?: number;
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
  /** Input buffer reused frame to frame (4.9 MB); calls are serialised so it is never shared. */
  private input: Float32Array | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PlateYoloOptions = {}) {
    this.minScore = options.minScore ?? 0.25;
  }

  async load(options: DetectorLoadOptions): Promise<void> {
    this.session = await createSession(modelPath(findModel(this.name), options.modelsDir), { threads: options.threads });
    await this.detect({ data: Buffer.alloc(64 * 64 * 3, 114), width: 64, height: 64 });
  }

  detect(image: RgbImage): Promise<Detection[]> {
    const run = this.queue.then(() => this.detectNow(image));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async detectNow(image: RgbImage): Promise<Detection[]> {
    if (!this.session) throw new Error(`${this.name} is not loaded`);
    const lb = await letterbox(image, INPUT_SIZE, this.input);
    this.input = lb.tensor;
    const { data, dims } = await runSingle(this.session, floatTensor(lb.tensor, [1, 3, INPUT_SIZE, INPUT_SIZE]));
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
    this.session = undefined;
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
