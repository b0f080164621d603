import type { Queryable } from "./database.js";

/** One evidence file's path (`/media/…`) and the SHA-256 its writer recorded. */
export interface MediaHashRecord {
  path: string;
  sha256: string;
  eventId?: string;
}

/** A stored row, as media retention takes it out (and puts it back when the file could not be deleted). */
export interface StoredMediaHash {
  path: string;
  sha256: string;
  eventId: string | null;
  recordedAt: string;
}

export function createMediaHashesRepository(db: Queryable) {
  return {
    /** Records hashes; the first one recorded for a path stays (see migration 015). */
    async record(entries: readonly MediaHashRecord[], tx: Queryable = db): Promise<void> {
      if (!entries.length) return;
      await tx.query(
        `INSERT INTO media_hashes (path, sha256, event_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) ORDER BY 1 ON CONFLICT (path) DO NOTHING`,
        [entries.map((e) => e.path), entries.map((e) => e.sha256), entries.map((e) => e.eventId ?? null)],
      );
    },
    /** Removes the rows of these paths (their files are being deleted by retention); returns what was removed. */
    async remove(paths: readonly string[]): Promise<StoredMediaHash[]> {
      if (!paths.length) return [];
      const { rows } = await db.query<{ path: string; sha256: string; event_id: string | null; recorded_at: string }>(
        "DELETE FROM media_hashes WHERE path = ANY($1::text[]) RETURNING path, sha256, event_id, recorded_at",
        [paths],
      );
      return rows.map((r) => ({ path: r.path, sha256: r.sha256, eventId: r.event_id, recordedAt: r.recorded_at }));
    },
    /** Puts back rows `remove` took (a file that could not be deleted keeps its hash, and when it was recorded). */
    async restore(entries: readonly StoredMediaHash[]): Promise<void> {
      if (!entries.length) return;
      await db.query(
        `INSERT INTO media_hashes (path, sha256, event_id, recorded_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[]) ON CONFLICT (path) DO NOTHING`,
        [entries.map((e) => e.path), entries.map((e) => e.sha256), entries.map((e) => e.eventId), entries.map((e) => e.recordedAt)],
      );
    },
    async get(path: string): Promise<string | null> {
      const { rows } = await db.query<{ sha256: string }>("SELECT sha256 FROM media_hashes WHERE path = $1", [path]);
      return rows[0]?.sha256 ?? null;
    },
    async getMany(paths: readonly string[]): Promise<Map<string, string>> {
      if (!paths.length) return new Map();
      const { rows } = await db.query<{ path: string; sha256: string }>("SELECT path, sha256 FROM media_hashes WHERE path = ANY($1::text[])", [paths]);
      return new Map(rows.map((r) => [r.path, r.sha256]));
    },
    /** A page in path order after `afterPath` (keyset), optionally only those recorded since `since`. */
    async page(afterPath: string, limit: number, since?: string): Promise<{ path: string; sha256: string; recordedAt: string }[]> {
      const { rows } = await db.query<{ path: string; sha256: string; recorded_at: string }>(
        `SELECT path, sha256, recorded_at FROM media_hashes
          WHERE path > $1 AND ($3::timestamptz IS NULL OR recorded_at >= $3) ORDER BY path LIMIT $2`,
        [afterPath, limit, since ?? null],
      );
      return rows.map((r) => ({ path: r.path, sha256: r.sha256, recordedAt: r.recorded_at }));
    },
  };
}
export type MediaHashesRepository = ReturnType<typeof createMediaHashesRepository>;
