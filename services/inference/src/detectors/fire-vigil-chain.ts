import { thresholdForSensitivity, type Detection, type DetectionSensitivity, type Detector, type DetectorLoadOptions, type DetectOptions, type RgbImage } from "./detector.js";
import { VIGIL_FIRE_MODEL_PATH } from "./fire-onnx.js";
import { FireCropVerifier, VIGIL_FIRE_VERIFIER_PATH, type FireVerifierMeta } from "./fire-verifier.js";
import { VigilFireGridDetector } from "./fire-vigil-grid.js";
import { flameColourShare, frameChroma } from "../fire/flame-colour.js";

/**
 * A candidate's score: the verifier's probability, optionally fused with the grid's cell probability as a
 * weighted geometric mean, verifier^(1 - gridWeight) × grid^gridWeight (the weight, per label, is chosen on
 * calib data by train_verifier.py and stored in the sidecar). The calibrated thresholds apply to this score.
 */
export function fuseScores(verifier: number, grid: number, gridWeight: number): number {
  if (gridWeight <= 0) return verifier;
  const v = Math.max(verifier, 1e-6), g = Math.max(grid, 1e-6);
  return Math.exp((1 - gridWeight) * Math.log(v) + gridWeight * Math.log(g));
}

/**
 * Decision parameter of the temporal path (fire/fire-confirmer.ts, sustained rule): fire candidates whose fused
 * score is at least this share of the fire threshold in force are handed to the confirmer as sub-threshold
 * candidates (half of it: 0.87 → 0.435 at normal sensitivity). They count only when they persist at one place and
 * flicker; single frames (the analyze API, evaluations) never see them.
 */
export const SUSTAINED_FIRE_FLOOR_SHARE = 0.5;

/**
 * A sustained-fire candidate must also be one the verifier itself does not clearly reject. The fused score can
 * sit in the sustained band on the grid's word alone (with a grid weight of 0.75, a crop the verifier gives 0.1
 * still fuses to ~0.56 × grid^0.75), and a warm lamp the grid likes, frame after frame, is exactly what the
 * sustained rule would then confirm. Chosen on the cctv-train clips (clip-scores.ts): at 0.5 the calib fire clip
 * fire07 (an aerial industrial fire the verifier half-believes, 0.36–0.52 in its first seconds) is confirmed at
 * 6.0 s instead of 2.5 s; at 0.3 every train fire clip keeps its time but fire05 (2.0 → 2.5 s), and the 15
 * fire-free train clips stay at 0 events either way.
 */
export const SUSTAINED_FIRE_MIN_VERIFIER = 0.3;

/** A verified candidate: `confidence` is the fused score, `verifier` the verifier's own probability for its label. */
export interface ScoredCandidate extends Detection {
  verifier: number;
}

/**
 * Scored candidates → detections (at or above the label's threshold) and sustained-fire candidates (fire between
 * SUSTAINED_FIRE_FLOOR_SHARE × threshold and the threshold, with the verifier's own probability at least
 * SUSTAINED_FIRE_MIN_VERIFIER), each by confidence, highest first, as plain detections.
 */
export function splitAtThreshold(scored: readonly ScoredCandidate[], threshold: (label: "fire" | "smoke") => number): { detections: Detection[]; candidates: Detection[] } {
  const detections: Detection[] = [];
  const candidates: Detection[] = [];
  for (const { verifier, ...d } of [...scored].sort((a, b) => b.confidence - a.confidence)) {
    const t = threshold(d.label as "fire" | "smoke");
    if (d.confidence >= t) detections.push(d);
    else if (d.label === "fire" && d.confidence >= t * SUSTAINED_FIRE_FLOOR_SHARE && verifier >= SUSTAINED_FIRE_MIN_VERIFIER) candidates.push(d);
  }
  return { detections, candidates };
}

/**
 * Third look, at the colours (fire/flame-colour.ts): a fire candidate whose box holds less than this share of
 * flame-coloured pixels is not fire (a headlight, an LED sign, a white car, glare). Chosen on training data only
 * (models/training/fire/colour-stats.ts over the cctv-train clips and the calib photos, 2026-12-04): the chain's
 * fire candidates inside labelled fires had ≥ 0.06 in every detection and ≥ 0.05 in 98 % of sub-threshold
 * candidates (99.2 % of all kept at 0.05). Its fire-free candidates there were all warm-coloured (sunsets, red
 * rooms: shares 0.18–0.75), which the gate cannot and does not try to reject: it targets white and bluish light.
 */
export const FLAME_COLOUR_MIN_SHARE = 0.05;

/** Below this mean frame chroma the picture is grey (an infrared / night-mode camera): no colour gate there. */
export const GREY_FRAME_MAX_CHROMA = 1.0;

/** The colour gate: fire candidates of a colour picture without flame colours are dropped; smoke and grey pictures pass. */
export function keepFlameColouredFire(image: RgbImage, candidates: readonly Detection[]): Detection[] {
  if (!candidates.some((c) => c.label === "fire") || frameChroma(image) < GREY_FRAME_MAX_CHROMA) return [...candidates];
  return candidates.filter((c) => c.label !== "fire" || flameColourShare(image, c.bbox) >= FLAME_COLOUR_MIN_SHARE);
}

export interface VigilFireChainOptions {
  gridModelPath?: string;
  verifierModelPath?: string;
}

/**
 * Vigil's fire & smoke detector as the service runs it (models/fire/MODEL_CARD.md): the grid model
 * proposes regions at a low threshold, the crop verifier looks at each again and only what it
 * confirms is a detection; the fused score (see fuseScores) is the detection's confidence. Temporal confirmation
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

  /**
   * Every candidate the chain verifies (the grid's best per class at the candidate threshold, fire candidates of a
   * colour picture only where flame colours are: FLAME_COLOUR_MIN_SHARE) with its fused
   * score as confidence, before the verifier threshold: detect() keeps those at or above it; evaluations
   * sweep the threshold over these.
   */
  async scored(image: RgbImage): Promise<ScoredCandidate[]> {
    if (!this.grid || !this.meta) throw new Error(`${this.name}: load() first`);
    const meta = this.meta;
    const proposed = await this.grid.detect(image);
    const candidates = this.labels.flatMap((label) =>
      proposed
        .filter((d) => d.label === label)
        .sort((a, b) => b.confidence - a.confidence)
        .slice(0, meta.maxCandidatesPerLabel),
    );
    const kept = keepFlameColouredFire(image, candidates);
    const scores = await this.verifier.score(image, kept);
    return kept.map((c, i) => {
      const label = c.label as "fire" | "smoke";
      const p = scores[i]![label === "fire" ? 0 : 1];
      return { label, confidence: fuseScores(p, c.confidence, meta.fusion.gridWeight[label]), bbox: c.bbox, verifier: p };
    });
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<Detection[]> {
    return (await this.detectWithCandidates(image, options)).detections;
  }

  /**
   * detect()'s detections, plus the fire candidates between the sustained floor (SUSTAINED_FIRE_FLOOR_SHARE of
   * the threshold) and the threshold, for the temporal confirmer (fire/fire-pipeline.ts). One model pass.
   */
  async detectWithCandidates(image: RgbImage, options: DetectOptions = {}): Promise<{ detections: Detection[]; candidates: Detection[] }> {
    const scored = await this.scored(image);
    return splitAtThreshold(scored, (label) => this.threshold(label, options.sensitivity));
  }

  async close(): Promise<void> {
    await Promise.all([this.grid?.close(), this.verifier.close()]);
    this.grid = undefined;
  }
}
