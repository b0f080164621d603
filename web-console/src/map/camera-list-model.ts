import type { LiveState } from "../cameras/camera-store.js";

/** The states a camera marker can show, in the legend's order (best first, as operators read a status board). */
export const LEGEND_STATES: readonly LiveState[] = ["online", "degraded", "offline", "unknown"];

/**
 * Folds a name for matching: lower case, no tone marks, đ → d, so "nha tho" finds "Nhà thờ Đức Bà"
 * (operators type without diacritics in a hurry, or on a keyboard without Vietnamese input).
 */
export function foldName(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/gi, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Every word of the query must appear in the name (or id), in any order. */
export function matchesQuery(camera: { id: string; name: string }, query: string): boolean {
  const words = foldName(query).split(" ").filter(Boolean);
  if (!words.length) return true;
  const hay = `${foldName(camera.name)} ${camera.id.toLowerCase()}`;
  return words.every((w) => hay.includes(w));
}

export function countStates(states: Iterable<LiveState>): Record<LiveState, number> {
  const counts: Record<LiveState, number> = { online: 0, degraded: 0, offline: 0, unknown: 0 };
  for (const s of states) counts[s] += 1;
  return counts;
}
