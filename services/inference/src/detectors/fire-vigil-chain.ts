import type { Detection, DetectionSensitivity, Detector, DetectorLoadOptions, DetectOptions, RgbImage } from "./detector.js";
import { VIGIL_FIRE_MODEL_PATH } from "./fire-onnx.js";
import { FireCropVerifier, VIGIL_FIRE_VERIFIER_PATH, type FireVerifierMeta } from "./fire-verifier.js";
import { VigilFireGridDetector } from "./fire-vigil-grid.js";

/** Candidates verified per class and frame: bounds the verifier's cost on a busy frame. */
const MAX_CANDIDATES_PER_LABEL = 4;

/**
 * The threshold a camera's sensitivity puts on the verifier's calibrated one: "low" halves the
 * distance to 1 (fewer, surer alarms), "high" takes 30 % off (earlier, more false alarms).
 */
export function thresholdForSensitivity(calibrated: number, sensitivity: DetectionSensitivity = "normal"): number {
  if (sensitivity === "low") return calibrated + (1 - calibrated) * 0.5;
  if (sensitivity === "high") return calibrated * 0.7;
  return calibrated;
}

export interface VigilFireChainOptions {
  gridModelPath?: string;
  verifierModelPath?: string;
}

/**
 * Vigil's fire & smoke detector as the service runs it (models/fire/MODEL_CARD.md): the grid model
 * proposes regions at a low threshold, the crop verifier looks at each again and only what it
 * confirms is a detection; its probability is the detection's confidence. Temporal confirmation
 * (fire/fire-confirmer.ts) comes on top, per camera.
 */
export class VigilFireChainDetector implements Detector {
  readonly name = "vigil-fire-chain";
  readonly labels = ["fire", "smoke"] as const;
  private grid: VigilFireGridDetector | undefined;
  private readonly verifier: FireCropVerifier;
  private meta: FireVerifierMeta | undefined;

  constructor(private readonly options: VigilFireChainOptions = {}) {
    this.verifier = new FireCropVerifier(options.verifierModelPath ?? VIGIL_FIRE_VERIFIER_PATH);
  }

  async load(o: DetectorLoadOptions): Promise<void> {
    this.meta = await this.verifier.load(o.threads);
    const t = this.meta.candidateThreshold;
    this.grid = new VigilFireGridDetector({ modelPath: this.options.gridModelPath ?? VIGIL_FIRE_MODEL_PATH, thresholds: { fire: t, smoke: t } });
    await this.grid.load(o);
  }

  /** The verifier threshold in force for a label at a sensitivity. */
  threshold(label: "fire" | "smoke", sensitivity: DetectionSensitivity = "normal"): number {
    if (!this.meta) throw new Error(`${this.name}: load() first`);
    return thresholdForSensitivity(this.meta.thresholds[label], sensitivity);
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<Detection[]> {
    if (!this.grid || !this.meta) throw new Error(`${this.name}: load() first`);
    const proposed = await this.grid.detect(image);
    const candidates = this.labels.flatMap((label) => proposed.filter((d) => d.label === label).slice(0, MAX_CANDIDATES_PER_LABEL));
    const scores = await this.verifier.score(image, candidates);
    const out: Detection[] = [];
    candidates.forEach((c, i) => {
      const label = c.label as "fire" | "smoke";
      const p = scores[i]![label === "fire" ? 0 : 1];
      if (p >= this.threshold(label, options.sensitivity)) out.push({ label, confidence: p, bbox: c.bbox });
    });
    return out.sort((a, b) => b.confidence - a.confidence);
  }

  async close(): Promise<void> {
    await Promise.all([this.grid?.close(), this.verifier.close()]);
    this.grid = undefined;
  }
}
