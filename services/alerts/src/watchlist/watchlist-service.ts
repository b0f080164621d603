import { randomUUID } from "node:crypto";
import { isValidPlate, toPlateKey, type PlateEvent, type WatchlistCreate, type WatchlistEntry } from "@vigil/contracts";
import type { WatchlistRepository } from "../storage/watchlist-repository.js";
import type { PlateReadsRepository } from "../storage/plate-reads-repository.js";
import type { AlertService } from "../alerting/alert-service.js";
import { matchPlate, type WatchlistMatcher } from "./watchlist-matcher.js";
import { foldConfusables, normaliseWatchlistPlate } from "./plate-keys.js";

const PAST_READ_WINDOW_MS = 24 * 3_600_000;

export class WatchlistInputError extends Error {}

export function createWatchlistService(deps: {
  watchlist: WatchlistRepository;
  plateReads: PlateReadsRepository;
  matcher: WatchlistMatcher;
  alerts: AlertService;
  threshold: number;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  /** Past reads whose plate contains a partial pattern, as events (what the alert service raises from). */
  async function readsContaining(fragment: string, since: string): Promise<PlateEvent[]> {
    const { items } = await deps.plateReads.search({ q: fragment, match: "contains", from: since, limit: 1000, fuzzyThreshold: 1 });
    return items.map((r) => ({
      schemaVersion: 1,
      id: r.id,
      cameraId: r.cameraId,
      ts: r.ts,
      plate: r.plate,
      display: r.display,
      rows: r.rows,
      confidence: r.confidence,
      bbox: r.bbox,
      frames: 1,
      ...(r.snapshot ? { snapshot: r.snapshot } : {}),
      ...(r.crop ? { crop: r.crop } : {}),
    }));
  }
  async function reload(): Promise<void> {
    deps.matcher.setEntries(await deps.watchlist.list());
  }
  return {
    reload,
    list: (): Promise<WatchlistEntry[]> => deps.watchlist.list(),
    /** Adds an entry, then checks the last 24 h of reads ("past-read matching") and raises alerts for hits. */
    async add(input: WatchlistCreate, by: string): Promise<{ entry: WatchlistEntry; pastHits: number }> {
      const match = input.match ?? "plate";
      const { key, display } = match === "plate" ? normaliseWatchlistPlate(input.plate) : { key: toPlateKey(input.plate), display: toPlateKey(input.plate) };
      if (match === "partial" && (key.length < 3 || key.length > 12)) throw new WatchlistInputError(`"${input.plate}": a partial pattern is 3–12 letters/digits of a plate`);
      if (match === "plate" && !isValidPlate(display)) {
        throw new WatchlistInputError(`"${input.plate}" is not a valid Vietnamese plate (e.g. 51F-123.45, 30A-999.99, 59-X1 234.56); to watch for part of a plate, add it with match "partial"`);
      }
      if (input.expiresAt && Date.parse(input.expiresAt) <= now()) throw new WatchlistInputError("expiresAt is in the past");
      const entry = await deps.watchlist.create({
        id: randomUUID(),
        plate: key,
        plateFolded: foldConfusables(key),
        display,
        match,
        reason: input.reason,
        priority: input.priority,
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
        createdBy: by,
      });
      await reload();
      const since = new Date(now() - PAST_READ_WINDOW_MS).toISOString();
      let pastHits = 0;
      const stores: Promise<void>[] = [];
      for (const read of match === "plate" ? await deps.plateReads.candidatesSince(key, since) : await readsContaining(key, since)) {
        const matches = matchPlate([entry], read.plate, now(), deps.threshold);
        if (!matches.length) continue;
        pastHits++;
        stores.push(deps.alerts.onWatchlistMatches(read, matches).stored);
      }
      await Promise.all(stores);
      return { entry, pastHits };
    },
    async remove(id: string, by: string): Promise<WatchlistEntry | null> {
      const removed = await deps.watchlist.remove(id, by);
      if (removed) await reload();
      return removed;
    },
  };
}
export type WatchlistService = ReturnType<typeof createWatchlistService>;
