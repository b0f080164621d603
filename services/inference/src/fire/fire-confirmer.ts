import { randomUUID } from "node:crypto";
import type { FireBox, FireKind } from "@vigil/contracts";
import type { Detection } from "../detectors/detector.js";

/**
 * Temporal confirmation of fire and smoke, per camera. A single frame never raises anything:
 * a kind must be seen in `minHits` of the last `window` sampled frames and, for fire, its area or
 * confidence must vary across those frames the way real flames flicker (a printed flame on a
 * billboard, a red sign or a static sunset does not). Once confirmed, an ongoing fire keeps one
 * id: it is re-emitted as an update (revision + 1) at most every `updateIntervalMs`, and a new
 * event only comes after it has been unseen for `clearAfterMs`.
 *
 * Street look-alikes that survive the verifier are held back by three more rules:
 * - same place: the sightings that count must overlap the current one (a moving headlight or a
 *   white car crossing the frame is seen in many frames, but never twice at the same spot);
 * - fixtures: a per-camera long-term map of where the kind has been seen (time constant
 *   `fixtureTauMs`); a new event whose box lies mostly where the kind was already seen most of the
 *   last half hour is a lamp or a sign, not a new fire, and is not raised;
 * - smoke without flame is raised as `possible` (a lower-severity alert) until it has persisted
 *   for `smokeEscalateMs` and grown by `smokeGrowth`, or a fire is confirmed on the camera; then
 *   one update at once says it is confirmed.
 *
 * Two rules weigh evidence over time rather than per frame (real footage, bench/fire-false-alarms.ts):
 * - sustained fire: a detector may hand in sub-threshold candidates next to its detections (see
 *   `observe`). A flame the model only half-believes in (small, distant, smoky) is still there frame
 *   after frame: a candidate at one place in `fire.sustained.minHits` of the last `window` frames,
 *   flickering on the logit scale by `minVariation`, confirms a fire as well. A glint or a
 *   reflection rarely stays at one place in 4 of 5 frames; a lamp or sign that does is a fixture
 *   (the fixture map learns from candidates too).
 * - smoke-backed fire: flames under their own smoke. A fire candidate or detection at one place in
 *   `fire.smokeBacked.minHits` of the last `window` frames, in `minSmokeHits` of them with a smoke detection
 *   meeting that place in the same frame, confirms a fire. On the cctv-train clips a smoke detection and a fire
 *   candidate or detection were in the same frame in 1 of 1,070 fire-free frames and in 23 of 143 fire-clip
 *   frames; the rule brought the aerial industrial fire (fire07, not trained on) from 5.0 to 2.0 s and raised
 *   nothing on the 15 fire-free clips, also with the candidates' verifier floor removed and the smoke threshold
 *   at 0.8 × (2026-12-07).
 * - smoke alone must be steady: without a confirmed fire on the camera, smoke must be seen in
 *   `smokeAlone.minHits` of the last `smoke.window` frames at a mean confidence of at least
 *   `smokeAlone.minMeanConfidence` before "possible smoke" is raised, and it escalates only when it
 *   has also been seen in `smokeAlone.escalatePresence` of the frames since it started. Glare,
 *   haze and lighting changes come and go near the threshold; real smoke stays well above it.
 */
export interface KindRule {
  /** Frames considered (the last M sampled frames). */
  window: number;
  /** Frames of the window that must contain the kind (N of M). */
  minHits: number;
  /**
   * Minimum variation over the window's positive frames: max of (area range / mean area) and
   * (confidence range). 0 disables the check.
   */
  minVariation: number;
  /**
   * Fire only: a second, slower path for sub-threshold candidates (see `observe`): a candidate or
   * detection at the same place in `minHits` of the last `window` frames with at least this variation.
   */
  sustained?: { minHits: number; minVariation: number };
  /**
   * Fire only: a third path, flames under their own smoke. Fire sightings (detections or sustained candidates) at one
   * place in `minHits` of the last `window` frames with at least `minVariation`, and in `minSmokeHits` of those
   * frames a smoke detection whose box meets that place.
   */
  smokeBacked?: { minHits: number; minSmokeHits: number; minVariation: number };
}

/** Stricter evidence for smoke while no fire is confirmed on the camera ("possible smoke"). */
export interface SmokeAloneRule {
  /** Frames of the smoke window that must contain it (instead of `smoke.minHits`). */
  minHits: number;
  /** Mean confidence of those sightings. */
  minMeanConfidence: number;
  /** Escalation also needs it seen in this share of the frames since the event started. */
  escalatePresence: number;
}

export interface FireConfirmerOptions {
  fire: KindRule;
  smoke: KindRule;
  /** Time constant of the per-camera fixture map (where the kind is always seen). */
  fixtureTauMs: number;
  /** Fraction of a new event's box on fixture cells (map ≥ 0.5) that suppresses it. */
  fixtureCover: number;
  /** Smoke stays "possible" until it has been seen for this long … */
  smokeEscalateMs: number;
  /** … and its area has grown by this factor (mean of the last 3 sightings over the first 3). */
  smokeGrowth: number;
  /** Smoke without a confirmed fire needs steadier evidence (undefined: the plain smoke rule). */
  smokeAlone?: SmokeAloneRule;
  /** At most one update of an ongoing event per this interval. */
  updateIntervalMs: number;
  /** An event ends once its kind has not been seen for this long; the next sighting is a new event. */
  clearAfterMs: number;
  /** Only detections at or above this confidence count (detectors already apply their own). */
  minConfidence: number;
  newId: () => string;
}

/**
 * Sampling at ~2 fps: fire in 3 of the last 5 frames (≈2.5 s), or a sub-threshold candidate in 4 of
 * the last 5 flickering clearly, or in 3 of the last 5 each with a smoke detection at its place; smoke
 * in 5 of the last 8 (≈4 s) once a fire is confirmed, smoke alone in 6 of the last 8 at a mean
 * confidence ≥ 0.65.
 */
export const DEFAULT_FIRE_CONFIRMER_OPTIONS: FireConfirmerOptions = {
  fire: { window: 5, minHits: 3, minVariation: 0.02, sustained: { minHits: 4, minVariation: 0.05 }, smokeBacked: { minHits: 3, minSmokeHits: 3, minVariation: 0.02 } },
  smoke: { window: 8, minHits: 5, minVariation: 0.02 },
  fixtureTauMs: 30 * 60_000,
  fixtureCover: 0.6,
  smokeEscalateMs: 8_000,
  smokeGrowth: 1.2,
  smokeAlone: { minHits: 6, minMeanConfidence: 0.65, escalatePresence: 0.75 },
  updateIntervalMs: 10_000,
  clearAfterMs: 30_000,
  minConfidence: 0,
  newId: randomUUID,
};

/** What the confirmer decided to publish for one frame. */
export interface FireConfirmation {
  id: string;
  kind: FireKind;
  /** 0 for the first message of an event, then +1 per update. */
  revision: number;
  confidence: number;
  boxes: FireBox[];
  /** Frames that contained this kind since the event started (≥ minHits at confirmation). */
  confirmedFrames: number;
  /** Capture time (epoch ms) of the frame that confirmed or updated it. */
  ts: number;
  /** Smoke only: true while it is smoke without flame that has not yet persisted and grown. */
  possible?: boolean;
}

interface Observation {
  ts: number;
  seen: boolean;
  area: number;
  confidence: number;
  boxes: FireBox[];
  /** The same over detections and sub-threshold candidates together (the sustained rule's evidence). */
  any: { seen: boolean; area: number; confidence: number; boxes: FireBox[] };
  /** Fire only: the same frame's smoke detections (the smoke-backed rule's evidence). */
  smokeBoxes?: FireBox[];
}

interface ActiveEvent {
  id: string;
  revision: number;
  confirmedFrames: number;
  startTs: number;
  lastSeenTs: number;
  lastEmitTs: number;
  possible: boolean;
  /** Areas of its sightings (first few and last few are what growth compares). */
  areas: number[];
  /** Frames observed since it started, and those that contained it (for smoke's presence share). */
  framesSinceStart: number;
  framesSeen: number;
}

interface KindState {
  history: Observation[];
  active: ActiveEvent | undefined;
  fixture: FixtureMap;
}

/** Cells per side of the fixture map (the grid model's resolution). */
const FIXTURE_CELLS = 16;

/** Long-term per-cell presence of a kind at one camera: an exponential moving average in 0..1. */
export class FixtureMap {
  readonly cells = new Float32Array(FIXTURE_CELLS * FIXTURE_CELLS);
  private lastTs: number | undefined;

  constructor(private readonly tauMs: number) {}

  /** Moves every cell towards 1 where a box covers it and towards 0 elsewhere, by the time elapsed. */
  update(ts: number, boxes: readonly FireBox[]): void {
    // A gap in the frames (camera down) must not count as a long observation.
    const dt = this.lastTs === undefined ? 500 : Math.min(5_000, Math.max(0, ts - this.lastTs));
    this.lastTs = ts;
    const rate = 1 - Math.exp(-dt / this.tauMs);
    const covered = coveredCells(boxes);
    for (let i = 0; i < this.cells.length; i += 1) this.cells[i]! += ((covered.has(i) ? 1 : 0) - this.cells[i]!) * rate;
  }

  /** Fraction of the cells under `boxes` that are fixtures (map ≥ 0.5). */
  fixtureShare(boxes: readonly FireBox[]): number {
    const covered = coveredCells(boxes);
    if (covered.size === 0) return 0;
    let n = 0;
    for (const i of covered) if (this.cells[i]! >= 0.5) n += 1;
    return n / covered.size;
  }
}

function coveredCells(boxes: readonly FireBox[]): Set<number> {
  const out = new Set<number>();
  for (const { bbox: [x, y, w, h] } of boxes) {
    const c0 = Math.max(0, Math.floor(x * FIXTURE_CELLS)), c1 = Math.min(FIXTURE_CELLS - 1, Math.ceil((x + w) * FIXTURE_CELLS) - 1);
    const r0 = Math.max(0, Math.floor(y * FIXTURE_CELLS)), r1 = Math.min(FIXTURE_CELLS - 1, Math.ceil((y + h) * FIXTURE_CELLS) - 1);
    for (let r = r0; r <= r1; r += 1) for (let c = c0; c <= c1; c += 1) out.add(r * FIXTURE_CELLS + c);
  }
  return out;
}

/** Whether two boxes overlap once each is grown by half its size (a flame moves a little). */
function samePlace(a: readonly FireBox[], b: readonly FireBox[]): boolean {
  const grow = ([x, y, w, h]: readonly number[]) => [x! - w! / 2, y! - h! / 2, x! + 1.5 * w!, y! + 1.5 * h!] as const;
  return a.some((p) => {
    const [ax0, ay0, ax1, ay1] = grow(p.bbox);
    return b.some((q) => {
      const [bx0, by0, bx1, by1] = grow(q.bbox);
      return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1;
    });
  });
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export interface FireConfirmer {
  /**
   * Feeds one sampled frame's detections (any labels; non-fire ones are ignored). `candidates` are
   * what the detector saw below its own threshold (optional): they never raise anything on their own
   * account except through the sustained fire rule, keep an ongoing event alive, and mark fixtures.
   */
  observe(cameraId: string, ts: number, detections: readonly Detection[], candidates?: readonly Detection[]): FireConfirmation[];
  /**
   * Whether anything is suspected at a camera: an ongoing event, or a detection or sub-threshold candidate of
   * either kind in the frames its windows still hold (fire/fire-rate-gate.ts keeps such a camera at full rate).
   */
  suspects(cameraId: string): boolean;
  /** Whether a fire event is ongoing at a camera (confirmed and not yet cleared): the rate gate's lower rate then. */
  fireOngoing(cameraId: string): boolean;
  /** Drops a camera's state (camera removed or restarted). */
  forget(cameraId: string): void;
  /** Ongoing events, for metrics and tests. */
  activeCount(): number;
  /** Events held back so far because they sat on a fixture (lamp, sign), for metrics and tests. */
  fixtureSuppressed(): number;
}

const logit = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

/**
 * How much the positive frames of a window differ: the largest of the relative area range, the
 * confidence range, and a tenth of the confidence range on the logit scale — a big, bright flame
 * saturates the model near 1.0 on a coarse grid, where its flicker only shows in the logits.
 */
export function variation(observations: readonly Observation[]): number {
  const seen = observations.filter((o) => o.seen);
  if (seen.length < 2) return 0;
  const areas = seen.map((o) => o.area);
  const confs = seen.map((o) => o.confidence);
  const logits = confs.map(logit);
  const meanArea = areas.reduce((a, b) => a + b, 0) / areas.length;
  const areaVar = meanArea > 0 ? (Math.max(...areas) - Math.min(...areas)) / meanArea : 0;
  return Math.max(areaVar, Math.max(...confs) - Math.min(...confs), 0.1 * (Math.max(...logits) - Math.min(...logits)));
}

function summarise(mine: readonly Detection[]): { seen: boolean; area: number; confidence: number; boxes: FireBox[] } {
  return {
    seen: mine.length > 0,
    area: mine.reduce((sum, d) => sum + d.bbox[2] * d.bbox[3], 0),
    confidence: mine.reduce((best, d) => Math.max(best, d.confidence), 0),
    boxes: mine.map((d) => ({ bbox: d.bbox, confidence: Math.min(1, Math.max(0, d.confidence)) })).slice(0, 100),
  };
}

function observationFor(kind: FireKind, ts: number, detections: readonly Detection[], candidates: readonly Detection[], minConfidence: number): Observation {
  const mine = detections.filter((d) => d.label === kind && d.confidence >= minConfidence);
  const weak = candidates.filter((d) => d.label === kind);
  return { ts, ...summarise(mine), any: weak.length ? summarise([...mine, ...weak]) : summarise(mine) };
}

/** The sustained rule looks at an observation through its candidates as well. */
const asAny = (o: Observation): Observation => ({ ...o, ...o.any });

export function createFireConfirmer(overrides: Partial<FireConfirmerOptions> = {}): FireConfirmer {
  const options: FireConfirmerOptions = { ...DEFAULT_FIRE_CONFIRMER_OPTIONS, ...overrides };
  let suppressed = 0;
  for (const kind of ["fire", "smoke"] as const) {
    const rule = options[kind];
    if (rule.window < 1 || rule.minHits < 1 || rule.minHits > rule.window) {
      throw new Error(`fire confirmer: ${kind} needs 1 ≤ minHits ≤ window (got ${rule.minHits} of ${rule.window})`);
    }
    for (const extra of [rule.sustained?.minHits, rule.smokeBacked?.minHits, kind === "smoke" ? options.smokeAlone?.minHits : undefined]) {
      if (extra !== undefined && (extra < 1 || extra > rule.window)) {
        throw new Error(`fire confirmer: ${kind} needs 1 ≤ minHits ≤ window for its sustained / smoke-backed / smoke-alone rule too (got ${extra} of ${rule.window})`);
      }
    }
    const backed = rule.smokeBacked;
    if (backed && (backed.minSmokeHits < 1 || backed.minSmokeHits > backed.minHits)) {
      throw new Error(`fire confirmer: ${kind} needs 1 ≤ minSmokeHits ≤ minHits for its smoke-backed rule (got ${backed.minSmokeHits} of ${backed.minHits})`);
    }
  }
  const cameras = new Map<string, Record<FireKind, KindState>>();

  function stateFor(cameraId: string): Record<FireKind, KindState> {
    let state = cameras.get(cameraId);
    if (!state) {
      const kindState = (): KindState => ({ history: [], active: undefined, fixture: new FixtureMap(options.fixtureTauMs) });
      state = { fire: kindState(), smoke: kindState() };
      cameras.set(cameraId, state);
    }
    return state;
  }

  function step(kind: FireKind, state: KindState, obs: Observation, fireActive: boolean): FireConfirmation | undefined {
    const rule = options[kind];
    state.history.push(obs);
    if (state.history.length > rule.window) state.history.shift();
    // Candidates mark the map too: a sign the model half-believes in at one spot all day is a fixture.
    state.fixture.update(obs.ts, obs.any.boxes);
    const active = state.active;

    if (active) {
      active.framesSinceStart += 1;
      if (!obs.any.seen) {
        if (obs.ts - active.lastSeenTs >= options.clearAfterMs) {
          state.active = undefined;
          state.history = [];
        }
        return undefined;
      }
      active.lastSeenTs = obs.ts;
      active.confirmedFrames += 1;
      active.framesSeen += 1;
      active.areas.push(obs.any.area);
      if (active.areas.length > 40) active.areas.splice(3, 1); // keep the first 3 and a recent run
      const escalated = active.possible && (fireActive || grownAndPersisted(active, obs.ts));
      if (escalated) active.possible = false;
      if (!escalated && obs.ts - active.lastEmitTs < options.updateIntervalMs) return undefined;
      active.revision += 1;
      active.lastEmitTs = obs.ts;
      const seen = obs.seen ? obs : asAny(obs);
      return { id: active.id, kind, revision: active.revision, confidence: seen.confidence, boxes: seen.boxes, confirmedFrames: active.confirmedFrames, ts: obs.ts, ...(kind === "smoke" ? { possible: active.possible } : {}) };
    }

    const possible = kind === "smoke" && !fireActive;
    const alone = possible ? options.smokeAlone : undefined;
    // The plain rule over detections; then, for fire, the sustained rule over detections + candidates.
    let here = obs.seen ? confirmedHere(state.history, obs, alone?.minHits ?? rule.minHits, rule.minVariation) : undefined;
    if (here && alone && mean(here.map((o) => o.confidence)) < alone.minMeanConfidence) here = undefined;
    if (!here && rule.sustained && obs.any.seen) here = confirmedHere(state.history.map(asAny), asAny(obs), rule.sustained.minHits, rule.sustained.minVariation);
    if (!here && rule.smokeBacked && obs.any.seen) here = smokeBackedHere(state.history, obs, rule.smokeBacked);
    if (!here) return undefined;
    const current = here[here.length - 1]!;
    if (state.fixture.fixtureShare(current.boxes) >= options.fixtureCover) {
      suppressed += 1;
      return undefined;
    }
    const hits = here.length;
    const id = options.newId();
    state.active = { id, revision: 0, confirmedFrames: hits, startTs: here[0]!.ts, lastSeenTs: obs.ts, lastEmitTs: obs.ts, possible, areas: here.map((o) => o.area), framesSinceStart: state.history.filter((o) => o.ts >= here![0]!.ts).length, framesSeen: hits };
    const confidence = here.reduce((sum, o) => sum + o.confidence, 0) / hits;
    return { id, kind, revision: 0, confidence: Math.min(1, confidence), boxes: current.boxes, confirmedFrames: hits, ts: obs.ts, ...(kind === "smoke" ? { possible } : {}) };
  }

  /** The window's sightings at the current one's place, if they are enough and vary enough. */
  function confirmedHere(history: readonly Observation[], obs: Observation, minHits: number, minVariation: number): Observation[] | undefined {
    // Only sightings at the current one's place count (a crossing headlight is never twice at one spot).
    const here = history.filter((o) => o.seen && samePlace(o.boxes, obs.boxes));
    if (here.length < minHits) return undefined;
    if (minVariation > 0 && variation(here) < minVariation) return undefined;
    return here;
  }

  /** The fire sightings at the current one's place, if enough of them have a smoke detection at that place in the same frame. */
  function smokeBackedHere(history: readonly Observation[], obs: Observation, rule: NonNullable<KindRule["smokeBacked"]>): Observation[] | undefined {
    const here = confirmedHere(history.map(asAny), asAny(obs), rule.minHits, rule.minVariation);
    if (!here) return undefined;
    const backed = here.filter((o) => o.smokeBoxes !== undefined && samePlace(o.smokeBoxes, o.boxes)).length;
    return backed >= rule.minSmokeHits ? here : undefined;
  }

  function grownAndPersisted(active: ActiveEvent, ts: number): boolean {
    if (ts - active.startTs < options.smokeEscalateMs || active.areas.length < 6) return false;
    // Persisted means seen in most frames since it started, not now and then near the threshold.
    if (options.smokeAlone && active.framesSeen < options.smokeAlone.escalatePresence * active.framesSinceStart) return false;
    const first = mean(active.areas.slice(0, 3));
    const last = mean(active.areas.slice(-3));
    return first > 0 && last >= first * options.smokeGrowth;
  }

  return {
    observe(cameraId, ts, detections, candidates = []) {
      const state = stateFor(cameraId);
      const out: FireConfirmation[] = [];
      const smoke = observationFor("smoke", ts, detections, candidates, options.minConfidence);
      const fire: Observation = { ...observationFor("fire", ts, detections, candidates, options.minConfidence), smokeBoxes: smoke.boxes };
      // Fire first: a confirmed fire makes the camera's smoke a confirmed smoke, not a possible one.
      for (const [kind, obs] of [["fire", fire], ["smoke", smoke]] as const) {
        const emitted = step(kind, state[kind], obs, state.fire.active !== undefined);
        if (emitted) out.push(emitted);
      }
      return out;
    },
    suspects(cameraId) {
      const state = cameras.get(cameraId);
      if (!state) return false;
      return (["fire", "smoke"] as const).some((kind) => state[kind].active !== undefined || state[kind].history.some((o) => o.any.seen));
    },
    fireOngoing(cameraId) {
      return cameras.get(cameraId)?.fire.active !== undefined;
    },
    forget(cameraId) {
      cameras.delete(cameraId);
    },
    activeCount() {
      let n = 0;
      for (const state of cameras.values()) n += (state.fire.active ? 1 : 0) + (state.smoke.active ? 1 : 0);
      return n;
    },
    fixtureSuppressed: () => suppressed,
  };
}
