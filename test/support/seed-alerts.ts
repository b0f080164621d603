import { randomUUID } from "node:crypto";
import type { Alert } from "@vigil/contracts";
import type { Database } from "@vigil/alerts";

/** An alert written straight into the database with known times (shift report tests). */
export interface SeedAlert {
  camera: string;
  type: Alert["type"];
  severity: Alert["severity"];
  /** Minutes after `startMs` that it was raised. */
  raisedMin: number;
  /** Event time in minutes after `startMs`, when earlier than the raise (a retroactive watchlist hit). */
  tsMin?: number;
  /** Seconds from the raise to the first acknowledgement; absent: never acknowledged. */
  ackS?: number;
  /** Seconds from the raise to the resolution; absent: still open. */
  resolveS?: number;
  reason?: Alert["resolveReason"];
  escalated?: boolean;
  watchlistId?: string;
}

/**
 * Inserts the alert row and its history lines (raised, acknowledged, resolved) the way the alert
 * service writes them: acknowledged_at for the first acknowledgement, a "resolved" state line.
 */
export async function seedAlert(db: Database, startMs: number, s: SeedAlert): Promise<string> {
  const id = randomUUID();
  const raised = startMs + s.raisedMin * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const resolved = s.resolveS !== undefined;
  const acked = s.ackS !== undefined;
  await db.query(
    `INSERT INTO alerts (id, type, severity, camera_id, ts, raised_at, state, acknowledged_by, acknowledged_at, resolve_reason, escalated_at, watchlist_id, plate, display)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      id, s.type, s.severity, s.camera, iso(startMs + (s.tsMin ?? s.raisedMin) * 60_000), iso(raised),
      resolved ? "resolved" : acked ? "acknowledged" : "new",
      acked ? "op.a" : null, acked ? iso(raised + s.ackS! * 1000) : null,
      s.reason ?? null, s.escalated ? iso(raised + 60_000) : null,
      s.watchlistId ?? null, s.type === "watchlist_hit" ? "30A99999" : null, s.type === "watchlist_hit" ? "30A-999.99" : null,
    ],
  );
  const lines: Array<[string, number, string]> = [["new", raised, "system"]];
  if (acked) lines.push(["acknowledged", raised + s.ackS! * 1000, "op.a"]);
  if (resolved) lines.push(["resolved", raised + s.resolveS! * 1000, s.reason ? "sup.a" : "system"]);
  for (const [state, at, by] of lines) {
    await db.query("INSERT INTO alert_history (alert_id, state, at, by, kind, reason) VALUES ($1, $2, $3, $4, 'state', $5)", [id, state, iso(at), by, state === "resolved" ? (s.reason ?? null) : null]);
  }
  return id;
}
