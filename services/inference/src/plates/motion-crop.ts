import type { NormalisedBox } from "@vigil/contracts";
import type { PixelRect } from "../image/rgb-image.js";

export interface MotionCropOptions {
  /** The detector's square input side in pixels (640 for the YOLO plate model). */
  inputSize: number;
  /** The crop must make plates at least this many times larger in the detector input than the whole frame does. */
  minZoom: number;
  /**
   * Plates wider than this (source pixels, the camera's recent median) are large enough on the whole frame:
   * the crop is for small, far plates, and a close-up camera's plates would only grow past what the model saw.
   */
  maxPlateWidthPx: number;
}

/**
 * A window of exactly the detector's input size (no up- or downscaling) shows a 1280-wide frame's plates at
 * twice the size the letterboxed whole frame does. Measured (bench/inference-gating.ts, BENCHMARKS.md): a look
 * at the window costs what a look at the whole frame does (18.9 vs 18.7 ms CPU), so the window is for reach —
 * plates 57 px wide found 66/83 on it, 11/83 on the whole frame — not for speed.
 */
export const DEFAULT_MOTION_CROP: MotionCropOptions = { inputSize: 640, minZoom: 1.5, maxPlateWidthPx: 160 };

/**
 * Where the plate detector looks when the motion is in one part of the frame: a window of the detector's
 * input size (clamped to the frame) centred on the motion region, at native resolution. Undefined (look at the
 * whole frame) when the region does not fit in the window, when the window would not enlarge plates by
 * `minZoom` (a frame about the size of the input), or when the camera's plates are already large.
 *   region: fractions of the frame; recentPlateWidthPx: the camera's recent plate width (undefined: none seen yet).
 */
export function planMotionCrop(
  region: NormalisedBox,
  frame: { width: number; height: number },
  recentPlateWidthPx: number | undefined,
  o: MotionCropOptions = DEFAULT_MOTION_CROP,
): PixelRect | undefined {
  const { width: W, height: H } = frame;
  const w = Math.min(W, o.inputSize);
  const h = Math.min(H, o.inputSize);
  // The letterbox scale is 1 only if the window touches the input's size on one side; smaller frames are upscaled whole anyway.
  if (Math.max(w, h) < o.inputSize) return undefined;
  const zoom = Math.max(W, H) / o.inputSize;
  if (zoom < o.minZoom) return undefined;
  if (recentPlateWidthPx !== undefined && recentPlateWidthPx > o.maxPlateWidthPx) return undefined;
  const rx0 = Math.floor(region[0] * W), ry0 = Math.floor(region[1] * H);
  const rx1 = Math.ceil((region[0] + region[2]) * W), ry1 = Math.ceil((region[1] + region[3]) * H);
  if (rx1 - rx0 > w || ry1 - ry0 > h) return undefined;
  const x = clamp(Math.round((rx0 + rx1 - w) / 2), 0, W - w);
  const y = clamp(Math.round((ry0 + ry1 - h) / 2), 0, H - h);
  return { x, y, w, h };
}

/** A box found in a crop (fractions of the crop) as fractions of the whole frame. */
export function cropBoxToFrame(box: NormalisedBox, rect: PixelRect, frame: { width: number; height: number }): NormalisedBox {
  return [(rect.x + box[0] * rect.w) / frame.width, (rect.y + box[1] * rect.h) / frame.height, (box[2] * rect.w) / frame.width, (box[3] * rect.h) / frame.height];
}

/**
 * Whether a box found in a crop (fractions of the crop) touches one of the crop's edges that lies inside the frame:
 * such a plate is cut by the window, and the caller looks at the whole frame instead.
 */
export function touchesInnerEdge(box: NormalisedBox, rect: PixelRect, frame: { width: number; height: number }, marginPx = 2): boolean {
  const [x, y, w, h] = box;
  const left = rect.x > 0 && x * rect.w <= marginPx;
  const top = rect.y > 0 && y * rect.h <= marginPx;
  const right = rect.x + rect.w < frame.width && (1 - x - w) * rect.w <= marginPx;
  const bottom = rect.y + rect.h < frame.height && (1 - y - h) * rect.h <= marginPx;
  return left || top || right || bottom;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
