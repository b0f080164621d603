import { readFile } from "node:fs/promises";
import type * as ort from "onnxruntime-node";
import { Tensor } from "onnxruntime-node";
import { z } from "zod";
import { findModel, modelPath } from "../models/manifest.js";
import type { Detection, RgbImage } from "./detector.js";
import { cropSquare, cropToNchw } from "./fire-crop.js";
import { createFireSession } from "./fire-onnx.js";

/** The verifier, committed with the project (manifest entry "vigil-fire-verifier", trained by models/training/fire/train_verifier.py). */
export const VIGIL_FIRE_VERIFIER_PATH = modelPath(findModel("vigil-fire-verifier"), "");

const verifierMeta = z.object({
  input: z.object({ name: z.string(), size: z.number().int().min(16).max(512) }),
  output: z.object({ name: z.string() }),
  labels: z.tuple([z.literal("fire"), z.literal("smoke")]),
  crop: z.object({ context: z.number().positive(), minSide: z.number().min(0).max(1), minSidePx: z.number().min(1) }),
  thresholds: z.object({ fire: z.number().min(0).max(1), smoke: z.number().min(0).max(1) }),
  candidateThreshold: z.number().min(0).max(1),
  /** Candidates verified per class and frame (bounds the cost on a busy frame); older sidecars: 4. */
  maxCandidatesPerLabel: z.number().int().min(1).max(32).default(4),
  /** Score fusion chosen on calib, per label: score = verifier^(1 - w) × grid^w; older sidecars: the verifier alone. */
  fusion: z
    .object({ gridWeight: z.object({ fire: z.number().min(0).max(1), smoke: z.number().min(0).max(1) }) })
    .default({ gridWeight: { fire: 0, smoke: 0 } }),
});
export type FireVerifierMeta = z.infer<typeof verifierMeta>;

/**
 * The fire chain's second look: a small CNN on a square crop around each candidate region that
 * the grid model proposes, trained on what the grid fires on in real fire-free footage (glare,
 * haze, white vehicles, lamps). Scores [fire, smoke] per crop.
 */
export class FireCropVerifier {
  private session: ort.InferenceSession | undefined;
  private meta: FireVerifierMeta | undefined;

  constructor(private readonly modelPath = VIGIL_FIRE_VERIFIER_PATH) {}

  async load(threads: number): Promise<FireVerifierMeta> {
    this.meta = verifierMeta.parse(JSON.parse(await readFile(this.modelPath.replace(/\.onnx$/, ".json"), "utf8")));
    this.session = await createFireSession(this.modelPath, threads);
    const size = this.meta.input.size;
    await this.score({ data: Buffer.alloc(size * size * 3), width: size, height: size }, [{ label: "fire", confidence: 1, bbox: [0, 0, 1, 1] }]);
    return this.meta;
  }

  /** [fire, smoke] probabilities for each candidate's crop, in the candidates' order. */
  async score(image: RgbImage, candidates: readonly Detection[]): Promise<Array<[number, number]>> {
    if (!this.session || !this.meta) throw new Error("fire verifier: load() first");
    if (candidates.length === 0) return [];
    const size = this.meta.input.size;
    const per = 3 * size * size;
    const input = new Float32Array(candidates.length * per);
    candidates.forEach((c, i) => cropToNchw(image, cropSquare(c.bbox, image.width, image.height, this.meta!.crop), size, input, i * per));
    const result = await this.session.run({ [this.meta.input.name]: new Tensor("float32", input, [candidates.length, 3, size, size]) });
    const probs = result[this.meta.output.name]?.data as Float32Array | undefined;
    if (!probs) throw new Error(`fire verifier: model has no output ${this.meta.output.name}`);
    return candidates.map((_, i) => [probs[2 * i]!, probs[2 * i + 1]!]);
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}
