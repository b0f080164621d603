// The plate domain (keys, look-alike folding, OCR-aware similarity) lives in the contracts package,
// shared with inference and the console; the alert service uses it through this one module.
import { correctOcr, toPlateKey } from "@vigil/contracts";
export { foldConfusables, NEAR_MATCH_THRESHOLD, plateSimilarity, toPlateKey } from "@vigil/contracts";

/**
 * A watchlist plate as typed by a person: look-alikes a human or an OCR engine wrote
 * (`51F-l23.45`) are corrected by the plate layout when that yields a valid plate.
 */
export function normaliseWatchlistPlate(input: string): { key: string; display: string } {
  const c = correctOcr(input);
  if (c.valid) return { key: c.key, display: c.display };
  return { key: toPlateKey(input), display: input.trim().toUpperCase() };
}
