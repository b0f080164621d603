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
export function degradedReason(i: CameraHealthInputs): string | undefined {
  if (i.consumerUnavailable) return i.consumerUnavailable;
  if (!i.warmedUp) return undefined;
  if (!i.keyframesOnly && i.fps < i.sampleFps * 0.5) return `low frame rate: ${i.fps.toFixed(1)} fps of ${i.sampleFps}`;
  if (i.sampledInWindow > 0 && i.droppedInWindow > i.sampledInWindow * 0.5) return "inference is behind: most frames dropped";
  return undefined;
}
