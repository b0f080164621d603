import type { WatchlistEntry, WatchlistMatchType, WatchlistPriority } from "@vigil/contracts";
import type { Queryable } from "./database.js";

interface WatchlistRow {
  id: string;
  plate: string;
  display: string;
  match: WatchlistMatchType;
  reason: string;
  priority: WatchlistPriority;
  expires_at: string | null;
  created_at: string;
  created_by: string;
  unit_id: string;
  hits?: number;
}

function toEntry(r: WatchlistRow): WatchlistEntry {
  return {
    id: r.id,
    plate: r.plate,
    display: r.display,
    match: r.match,
    reason: r.reason,
    priority: r.priority,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    unitId: r.unit_id,
    ...(r.hits === undefined ? {} : { hits: Number(r.hits) }),
  };
}

export interface NewWatchlistEntry {
  id: string;
  plate: string;
  plateFolded: string;
  display: string;
  match: WatchlistMatchType;
  reason: string;
  priority: WatchlistPriority;
  expiresAt: string | null;
  createdBy: string;
  unitId: string;
}

export function createWatchlistRepository(db: Queryable) {
  return {
    /**
     * Entries not deleted (expired ones included, so the console can show them greyed out); `units`:
     * only entries of these units (a user's scope), absent or null: all.
     */
    async list(units?: string[] | null): Promise<WatchlistEntry[]> {
      const { rows } = await db.query<WatchlistRow>(
        `SELECT w.id, w.plate, w.display, w.match, w.reason, w.priority, w.expires_at, w.created_at, w.created_by, w.unit_id,
                (SELECT count(*)::int FROM alerts a WHERE a.watchlist_id = w.id) AS hits
           FROM watchlist w WHERE w.deleted_at IS NULL AND ($1::text[] IS NULL OR w.unit_id = ANY($1)) ORDER BY w.created_at DESC`,
        [units ?? null],
      );
      return rows.map(toEntry);
    },
    async create(e: NewWatchlistEntry): Promise<WatchlistEntry> {
      const { rows } = await db.query<WatchlistRow>(
        `INSERT INTO watchlist (id, plate, plate_folded, display, match, reason, priority, expires_at, created_by, unit_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id, plate, display, match, reason, priority, expires_at, created_at, created_by, unit_id`,
        [e.id, e.plate, e.plateFolded, e.display, e.match, e.reason, e.priority, e.expiresAt, e.createdBy, e.unitId],
      );
      return toEntry(rows[0]!);
    },
    /** `units`: only an entry of these units is removed (a user's scope); absent or null: any. */
    async remove(id: string, by: string, units?: string[] | null): Promise<WatchlistEntry | null> {
      const { rows } = await db.query<WatchlistRow>(
        `UPDATE watchlist SET deleted_at = now(), deleted_by = $2 WHERE id = $1 AND deleted_at IS NULL AND ($3::text[] IS NULL OR unit_id = ANY($3))
         RETURNING id, plate, display, match, reason, priority, expires_at, created_at, created_by, unit_id`,
        [id, by, units ?? null],
      );
      return rows[0] ? toEntry(rows[0]) : null;
    },
  };
}
export type WatchlistRepository = ReturnType<typeof createWatchlistRepository>;
