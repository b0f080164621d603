import type { PlateEvent, WatchlistEntry, WatchlistMatchKind } from "@vigil/contracts";
import { plateSimilarity, toPlateKey } from "./plate-keys.js";

export interface WatchlistMatch {
  entry: WatchlistEntry;
  kind: WatchlistMatchKind;
  score: number;
}

export function isActive(entry: WatchlistEntry, nowMs: number): boolean {
  return entry.expiresAt === null || Date.parse(entry.expiresAt) > nowMs;
}

/**
 * Matches a plate read against the watchlist: exact on the alphanumeric key, else OCR-aware fuzzy
 * (look-alike substitutions cost little, so `51F-l23.45` hits `51F-123.45` while a real different
 * digit does not); a partial entry matches any read that contains its fragment. Expired entries never
 * match. Pure: the caller owns the entry list.
 */
export function createWatchlistMatcher(options: { threshold: number }) {
  let entries: WatchlistEntry[] = [];
  return {
    setEntries(next: WatchlistEntry[]): void {
      entries = next.map((e) => ({ ...e, plate: toPlateKey(e.plate) }));
    },
    entries: (): readonly WatchlistEntry[] => entries,
    match(plate: string, nowMs: number): WatchlistMatch[] {
      return matchPlate(entries, plate, nowMs, options.threshold);
    },
    matchEvent(event: PlateEvent, nowMs: number): WatchlistMatch[] {
      return matchPlate(entries, event.plate, nowMs, options.threshold);
    },
  };
}

export function matchPlate(entries: readonly WatchlistEntry[], plate: string, nowMs: number, threshold: number): WatchlistMatch[] {
  const key = toPlateKey(plate);
  const out: WatchlistMatch[] = [];
  for (const entry of entries) {
    if (!isActive(entry, nowMs)) continue;
    if (entry.match === "partial") {
      if (key.includes(entry.plate)) out.push({ entry, kind: "partial", score: entry.plate.length / key.length });
      continue;
    }
    if (entry.plate === key) {
      out.push({ entry, kind: "exact", score: 1 });
      continue;
    }
    const score = plateSimilarity(entry.plate, key);
    if (score >= threshold) out.push({ entry, kind: "fuzzy", score });
  }
  return out.sort((a, b) => b.score - a.score);
}
export type WatchlistMatcher = ReturnType<typeof createWatchlistMatcher>;
