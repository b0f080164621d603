import type { CameraState } from "@vigil/contracts";
import type { CameraProblem } from "./ffmpeg-errors.js";

/** What a live camera's degraded-or-online decision looks at, measured by its worker. */
export interface CameraHealthInputs {
  /** Why nothing consumes this camera's frames (no inference worker on its shard), if so. */
  consumerUnavailable?: string | undefined;
  /** Past the warm-up after the stream came up: before it, rates over a 10 s window mean nothing. */
  warmedUp: boolean;
  /** Sampled frames per second over the window, and how many were sampled and dropped in it. */
  fps: number;
  sampledInWindow: number;
  droppedInWindow: number;
  sampleFps: number;
  keyframesOnly: boolean;
}

/**
 * Why a camera whose stream is up is degraded, or undefined when it is fine. No consumer comes
 * first and needs no warm-up: frames that nobody analyses make the rate questions moot. Then, after
 * the warm-up: frames at under half the expected rate (full-decode mode only; keyframes follow the
 * GOP), or inference dropping most of them.
 */
export function degradedReason(i: CameraHealthInputs): CameraProblem | undefined {
  if (i.consumerUnavailable) return { code: "no_inference", message: i.consumerUnavailable };
  if (!i.warmedUp) return undefined;
  if (!i.keyframesOnly && i.fps < i.sampleFps * 0.5) return { code: "low_frame_rate", message: `low frame rate: ${i.fps.toFixed(1)} fps of ${i.sampleFps}` };
  if (i.sampledInWindow > 0 && i.droppedInWindow > i.sampledInWindow * 0.5) return { code: "inference_behind", message: "inference is behind: most frames dropped" };
  return undefined;
}

/** How long online ↔ degraded must hold before it is published (a busy minute should not flap the map). */
export const DEFAULT_HEALTH_HOLD_MS = 15_000;

/**
 * Hysteresis between online and degraded: a new verdict is taken only once it has held for
 * `holdMs` without interruption. Offline is not judged here: a lost stream is reported at once.
 */
export class HealthHysteresis {
  private pending: { state: CameraState; since: number } | null = null;

  constructor(private readonly holdMs = DEFAULT_HEALTH_HOLD_MS) {}

  /** The state to show now, given the current one and this check's verdict. */
  decide(current: CameraState, verdict: "online" | "degraded", now: number): CameraState {
    if (verdict === current) {
      this.pending = null;
      return current;
    }
    if (this.pending?.state !== verdict) this.pending = { state: verdict, since: now };
    if (now - this.pending.since < this.holdMs) return current;
    this.pending = null;
    return verdict;
  }

  reset(): void {
    this.pending = null;
  }
}
