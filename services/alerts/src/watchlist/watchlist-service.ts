import { randomUUID } from "node:crypto";
import type { WatchlistCreate, WatchlistEntry } from "@vigil/contracts";
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
  async function reload(): Promise<void> {
    deps.matcher.setEntries(await deps.watchlist.list());
  }
  return {
    reload,
    list: (): Promise<WatchlistEntry[]> => deps.watchlist.list(),
    /** Adds an entry, then checks the last 24 h of reads ("past-read matching") and raises alerts for hits. */
    async add(input: WatchlistCreate, by: string): Promise<{ entry: WatchlistEntry; pastHits: number }> {
      const { key, display } = normaliseWatchlistPlate(input.plate);
      if (key.length < 4 || key.length > 12) throw new WatchlistInputError(`"${input.plate}" is not a plate (4–12 letters/digits)`);
      if (input.expiresAt && Date.parse(input.expiresAt) <= now()) throw new WatchlistInputError("expiresAt is in the past");
      const entry = await deps.watchlist.create({
        id: randomUUID(),
        plate: key,
        plateFolded: foldConfusables(key),
        display,
        reason: input.reason,
        priority: input.priority,
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
        createdBy: by,
      });
      await reload();
      const since = new Date(now() - PAST_READ_WINDOW_MS).toISOString();
      let pastHits = 0;
      const stores: Promise<void>[] = [];
      for (const read of await deps.plateReads.candidatesSince(key, since)) {
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
