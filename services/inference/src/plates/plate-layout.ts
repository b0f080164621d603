import { cropRgb, toGrey, type RgbImage } from "../image/rgb-image.js";

/** Plates wider than this (w/h) are one row; Vietnamese one-row plates are ~4.7:1, two-row ~1.4:1. */
export const TWO_ROW_MAX_ASPECT = 2.6;

export interface PlateLines {
  rows: 1 | 2;
  lines: RgbImage[];
}

/**
 * Finds the gap between the two rows of a square plate: the row, in the middle band, with the
 * least ink (dark pixels, relative to the plate's own contrast) across the central columns.
 */
export function findRowSplit(image: RgbImage): number {
  const grey = toGrey(image);
  const { width, height } = image;
  const x0 = Math.floor(width * 0.12);
  const x1 = Math.ceil(width * 0.88);
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < grey.length; i += 3) {
    const v = grey[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const threshold = (lo + hi) / 2;
  const ink = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    let dark = 0;
    for (let x = x0; x < x1; x++) if (grey[y * width + x]! < threshold) dark++;
    ink[y] = dark;
  }
  // Smooth over a few rows so one clean scan line inside a character does not win.
  const radius = Math.max(1, Math.round(height * 0.02));
  const start = Math.floor(height * 0.33);
  const end = Math.ceil(height * 0.67);
  let best = Math.round(height / 2);
  let bestInk = Infinity;
  for (let y = start; y < end; y++) {
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += ink[Math.min(height - 1, Math.max(0, y + k))]!;
    // Prefer the middle when the profile is flat.
    const bias = Math.abs(y - height / 2) / height;
    const score = sum / (2 * radius + 1) + bias * (x1 - x0) * 0.2;
    if (score < bestInk) {
      bestInk = score;
      best = y;
    }
  }
  return best;
}

/** Splits a plate crop into text lines: one for wide plates, top and bottom for square ones. */
export function splitPlateLines(crop: RgbImage, rowsHint?: 1 | 2): PlateLines {
  const rows = rowsHint ?? (crop.width / crop.height > TWO_ROW_MAX_ASPECT ? 1 : 2);
  if (rows === 1) return { rows, lines: [crop] };
  const split = findRowSplit(crop);
  const overlap = Math.round(crop.height * 0.03);
  const top = cropRgb(crop, { x: 0, y: 0, w: crop.width, h: split + overlap });
  const bottom = cropRgb(crop, { x: 0, y: split - overlap, w: crop.width, h: crop.height - split + overlap });
  return { rows, lines: [top, bottom] };
}
