import type { NormalisedBox } from "@vigil/contracts";

export function iou(a: NormalisedBox, b: NormalisedBox): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** Centre distance in units of the larger box's diagonal: catches fast plates whose boxes no longer overlap. */
export function centreDistance(a: NormalisedBox, b: NormalisedBox): number {
  const dx = a[0] + a[2] / 2 - (b[0] + b[2] / 2);
  const dy = a[1] + a[3] / 2 - (b[1] + b[3] / 2);
  const diag = Math.max(Math.hypot(a[2], a[3]), Math.hypot(b[2], b[3]), 1e-6);
  return Math.hypot(dx, dy) / diag;
}
