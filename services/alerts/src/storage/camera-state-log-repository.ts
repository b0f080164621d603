import type { CameraState } from "@vigil/contracts";
import type { Queryable } from "./database.js";

export interface StateChangeRow {
  cameraId: string;
  ts: string;
  state: CameraState;
}

/**
 * The camera state log (migration 014): one row per state change of a camera. Uptime reads the changes
 * of a window plus the last change before it (the state the window starts in).
 */
export function createCameraStateLogRepository(db: Queryable) {
  const toRow = (r: { camera_id: string; ts: string; state: CameraState }): StateChangeRow => ({ cameraId: r.camera_id, ts: r.ts, state: r.state });
  return {
    /** Idempotent: a second instance (or a redelivered status) writing the same change adds nothing. */
    async record(change: StateChangeRow): Promise<void> {
      await db.query("INSERT INTO camera_state_log (camera_id, ts, state) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [change.cameraId, change.ts, change.state]);
    },

    /** The newest change of every camera: where the log stands after a restart. */
    async latest(): Promise<StateChangeRow[]> {
      const { rows } = await db.query<{ camera_id: string; ts: string; state: CameraState }>(
        "SELECT DISTINCT ON (camera_id) camera_id, ts, state FROM camera_state_log ORDER BY camera_id, ts DESC",
      );
      return rows.map(toRow);
    },

    /**
     * Changes at or after `fromIso`, plus the last change before it, per camera (all cameras, or one),
     * oldest first.
     */
    async since(fromIso: string, cameraId?: string): Promise<StateChangeRow[]> {
      const { rows } = await db.query<{ camera_id: string; ts: string; state: CameraState }>(
        `SELECT camera_id, ts, state FROM (
           SELECT camera_id, ts, state FROM camera_state_log WHERE ts >= $1 AND ($2::text IS NULL OR camera_id = $2)
           UNION ALL
           (SELECT DISTINCT ON (camera_id) camera_id, ts, state FROM camera_state_log
             WHERE ts < $1 AND ($2::text IS NULL OR camera_id = $2) ORDER BY camera_id, ts DESC)
         ) c ORDER BY camera_id, ts`,
        [fromIso, cameraId ?? null],
      );
      return rows.map(toRow);
    },

    /**
     * Deletes changes older than `beforeIso`, except each registered camera's last one before it: that
     * is the state the kept period starts in (a camera online for a month has a single, old row).
     * A removed camera's rows go entirely once they are old.
     */
    async prune(beforeIso: string): Promise<number> {
      const { rows } = await db.query<{ n: number }>(
        `WITH gone AS (
           DELETE FROM camera_state_log l
            WHERE l.ts < $1
              AND (NOT EXISTS (SELECT 1 FROM cameras c WHERE c.id = l.camera_id)
                   OR EXISTS (SELECT 1 FROM camera_state_log n WHERE n.camera_id = l.camera_id AND n.ts > l.ts AND n.ts < $1))
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [beforeIso],
      );
      return rows[0]?.n ?? 0;
    },
  };
}
export type CameraStateLogRepository = ReturnType<typeof createCameraStateLogRepository>;
