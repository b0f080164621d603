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
}

export interface FireConfirmerOptions {
  fire: KindRule;
  smoke: KindRule;
  /** At most one update of an ongoing event per this interval. */
  updateIntervalMs: number;
  /** An event ends once its kind has not been seen for this long; the next sighting is a new event. */
  clearAfterMs: number;
  /** Only detections at or above this confidence count (detectors already apply their own). */
  minConfidence: number;
  newId: () => string;
}

/** Sampling at ~2 fps: fire in 3 of the last 5 frames (≈2.5 s), smoke in 5 of the last 8 (≈4 s). */
export const DEFAULT_FIRE_CONFIRMER_OPTIONS: FireConfirmerOptions = {
  fire: { window: 5, minHits: 3, minVariation: 0.02 },
  smoke: { window: 8, minHits: 5, minVariation: 0 },
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
}

interface Observation {
  ts: number;
  seen: boolean;
  area: number;
  confidence: number;
  boxes: FireBox[];
}

interface ActiveEvent {
  id: string;
  revision: number;
  confirmedFrames: number;
  lastSeenTs: number;
  lastEmitTs: number;
}

interface KindState {
  history: Observation[];
  active: ActiveEvent | undefined;
}

export interface FireConfirmer {
  /** Feeds one sampled frame's detections (any labels; non-fire ones are ignored). */
  observe(cameraId: string, ts: number, detections: readonly Detection[]): FireConfirmation[];
  /** Drops a camera's state (camera removed or restarted). */
  forget(cameraId: string): void;
  /** Ongoing events, for metrics and tests. */
  activeCount(): number;
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

function observationFor(kind: FireKind, ts: number, detections: readonly Detection[], minConfidence: number): Observation {
  const mine = detections.filter((d) => d.label === kind && d.confidence >= minConfidence);
  const boxes = mine.map((d) => ({ bbox: d.bbox, confidence: Math.min(1, Math.max(0, d.confidence)) })).slice(0, 100);
  return {
    ts,
    seen: mine.length > 0,
    area: mine.reduce((sum, d) => sum + d.bbox[2] * d.bbox[3], 0),
    confidence: mine.reduce((best, d) => Math.max(best, d.confidence), 0),
    boxes,
  };
}

export function createFireConfirmer(overrides: Partial<FireConfirmerOptions> = {}): FireConfirmer {
  const options: FireConfirmerOptions = { ...DEFAULT_FIRE_CONFIRMER_OPTIONS, ...overrides };
  for (const kind of ["fire", "smoke"] as const) {
    const rule = options[kind];
    if (rule.window < 1 || rule.minHits < 1 || rule.minHits > rule.window) {
      throw new Error(`fire confirmer: ${kind} needs 1 ≤ minHits ≤ window (got ${rule.minHits} of ${rule.window})`);
    }
  }
  const cameras = new Map<string, Record<FireKind, KindState>>();

  function stateFor(cameraId: string): Record<FireKind, KindState> {
    let state = cameras.get(cameraId);
    if (!state) {
      state = { fire: { history: [], active: undefined }, smoke: { history: [], active: undefined } };
      cameras.set(cameraId, state);
    }
    return state;
  }

  function step(kind: FireKind, state: KindState, obs: Observation): FireConfirmation | undefined {
    const rule = options[kind];
    state.history.push(obs);
    if (state.history.length > rule.window) state.history.shift();
    const active = state.active;

    if (active) {
      if (!obs.seen) {
        if (obs.ts - active.lastSeenTs >= options.clearAfterMs) {
          state.active = undefined;
          state.history = [];
        }
        return undefined;
      }
      active.lastSeenTs = obs.ts;
      active.confirmedFrames += 1;
      if (obs.ts - active.lastEmitTs < options.updateIntervalMs) return undefined;
      active.revision += 1;
      active.lastEmitTs = obs.ts;
      return { id: active.id, kind, revision: active.revision, confidence: obs.confidence, boxes: obs.boxes, confirmedFrames: active.confirmedFrames, ts: obs.ts };
    }

    if (!obs.seen) return undefined;
    const hits = state.history.filter((o) => o.seen).length;
    if (hits < rule.minHits) return undefined;
    if (rule.minVariation > 0 && variation(state.history) < rule.minVariation) return undefined;
    const id = options.newId();
    state.active = { id, revision: 0, confirmedFrames: hits, lastSeenTs: obs.ts, lastEmitTs: obs.ts };
    const confidence = state.history.reduce((sum, o) => sum + o.confidence, 0) / hits;
    return { id, kind, revision: 0, confidence: Math.min(1, confidence), boxes: obs.boxes, confirmedFrames: hits, ts: obs.ts };
  }

  return {
    observe(cameraId, ts, detections) {
      const state = stateFor(cameraId);
      const out: FireConfirmation[] = [];
      for (const kind of ["fire", "smoke"] as const) {
        const emitted = step(kind, state[kind], observationFor(kind, ts, detections, options.minConfidence));
        if (emitted) out.push(emitted);
      }
      return out;
    },
    forget(cameraId) {
      cameras.delete(cameraId);
    },
    activeCount() {
      let n = 0;
      for (const state of cameras.values()) n += (state.fire.active ? 1 : 0) + (state.smoke.active ? 1 : 0);
      return n;
    },
  };
}
