import { randomUUID } from "node:crypto";
import { isValidPlate, ROOT_UNIT_ID, toPlateKey, type PlateEvent, type WatchlistCreate, type WatchlistEntry } from "@vigil/contracts";
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
  /** Each entry's unit, for the pushes of its hits (the entry's unit sees them besides the camera's). */
  let unitById = new Map<string, string>();
  async function reload(): Promise<void> {
    const entries = await deps.watchlist.list();
    unitById = new Map(entries.map((e) => [e.id, e.unitId ?? ROOT_UNIT_ID]));
    deps.matcher.setEntries(entries);
  }
  return {
    reload,
    /** `units`: only entries of these units (a user's scope); absent or null: all. */
    list: (units?: string[] | null): Promise<WatchlistEntry[]> => deps.watchlist.list(units),
    /** The unit of an active entry; undefined for one removed (or unknown). */
    unitOf: (id: string): string | undefined => unitById.get(id),
    /**
     * Adds an entry, then checks the last 24 h of reads ("past-read matching") and raises alerts for
     * hits. Its unit is `input.unitId`, else `defaultUnitId` (the creator's), else the root. Matching
     * is province-wide: the entry's unit sees every hit, the camera's unit too.
     */
    async add(input: WatchlistCreate, by: string, defaultUnitId?: string): Promise<{ entry: WatchlistEntry; pastHits: number }> {
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
        unitId: input.unitId ?? defaultUnitId ?? ROOT_UNIT_ID,
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
    /** `units`: only an entry of these units (a user's scope) is removed; absent or null: any. */
    async remove(id: string, by: string, units?: string[] | null): Promise<WatchlistEntry | null> {
      const removed = await deps.watchlist.remove(id, by, units);
      if (removed) await reload();
      return removed;
    },
  };
}
export type WatchlistService = ReturnType<typeof createWatchlistService>;
