import type { AuditEntry } from "@vigil/contracts";
import type { Queryable } from "./database.js";

export interface AuditRecord {
  username: string | null;
  action: string;
  target?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
  /** The acting user's unit (who may read the row besides those who see everything); null: none. */
  unitId?: string | null;
}

export function createAuditRepository(db: Queryable) {
  return {
    async write(entry: AuditRecord): Promise<void> {
      await db.query("INSERT INTO audit_log (username, action, target, details, ip, unit_id) VALUES ($1, $2, $3, $4, $5, $6)", [
        entry.username,
        entry.action,
        entry.target ?? null,
        entry.details ? JSON.stringify(entry.details) : null,
        entry.ip ?? null,
        entry.unitId ?? null,
      ]);
    },
    /** Failed logins for this account (any letter case) within the last `withinMs`. */
    async recentLoginFailures(username: string, withinMs: number): Promise<number> {
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed' AND lower(username) = lower($1) AND ts > now() - $2::float8 * interval '1 millisecond'",
        [username, withinMs],
      );
      return rows[0]?.n ?? 0;
    },
    /** `units`: only rows of these units (a scope); absent or null: every row. */
    async list(filter: { limit: number; action?: string; username?: string; before?: number; units?: string[] | null }): Promise<AuditEntry[]> {
      const { rows } = await db.query<{ id: number; ts: string; username: string | null; action: string; target: string | null; details: Record<string, unknown> | null; ip: string | null }>(
        `SELECT id, ts, username, action, target, details, ip FROM audit_log
          WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR username = $2) AND ($3::bigint IS NULL OR id < $3)
            AND ($5::text[] IS NULL OR unit_id = ANY($5))
          ORDER BY id DESC LIMIT $4`,
        [filter.action ?? null, filter.username ?? null, filter.before ?? null, filter.limit, filter.units ?? null],
      );
      return rows.map((r) => ({ ...r, id: Number(r.id) }));
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;
