import type { Alert, AlertHistoryEntry, AlertState, AlertType } from "@vigil/contracts";
import type { Queryable } from "./database.js";

interface AlertRow {
  id: string;
  type: Alert["type"];
  severity: Alert["severity"];
  camera_id: string;
  ts: string;
  state: AlertState;
  event_id: string | null;
  plate: string | null;
  display: string | null;
  match_kind: Alert["matchKind"] | null;
  watchlist_id: string | null;
  reason: string | null;
  snapshot: string | null;
  crop: string | null;
  updated_at: string | null;
  updated_by: string | null;
  note: string | null;
  resolve_reason: Alert["resolveReason"] | null;
  possible: boolean | null;
  boxes: Alert["boxes"] | null;
}

const COLUMNS =
  "id, type, severity, camera_id, ts, state, event_id, plate, display, match_kind, watchlist_id, reason, snapshot, crop, updated_at, updated_by, note, resolve_reason, possible, boxes";

export function rowToAlert(r: AlertRow): Alert {
  const opt = <K extends string, V>(k: K, v: V | null) => (v === null || v === undefined ? {} : ({ [k]: v } as Record<K, V>));
  return {
    schemaVersion: 1,
    id: r.id,
    type: r.type,
    severity: r.severity,
    cameraId: r.camera_id,
    ts: r.ts,
    state: r.state,
    ...opt("eventId", r.event_id),
    ...opt("plate", r.plate),
    ...opt("display", r.display),
    ...opt("matchKind", r.match_kind),
    ...opt("watchlistId", r.watchlist_id),
    ...opt("reason", r.reason),
    ...opt("snapshot", r.snapshot),
    ...opt("crop", r.crop),
    ...opt("updatedAt", r.updated_at),
    ...opt("updatedBy", r.updated_by),
    ...opt("note", r.note),
    ...opt("resolveReason", r.resolve_reason),
    ...opt("possible", r.possible),
    ...opt("boxes", r.boxes),
  };
}

export interface AlertListFilter {
  state?: AlertState;
  type?: AlertType;
  from?: string;
  to?: string;
  limit: number;
}

export function createAlertsRepository(db: Queryable) {
  return {
    /** Writes the alert's current state and its history entries; idempotent (safe to replay after an outage). */
    async save(alert: Alert, history: AlertHistoryEntry[], tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO alerts (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
         ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, ts = excluded.ts, state = excluded.state,
           event_id = excluded.event_id, snapshot = excluded.snapshot, crop = excluded.crop, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by, note = excluded.note, resolve_reason = excluded.resolve_reason,
           possible = excluded.possible, boxes = excluded.boxes`,
        [
          alert.id, alert.type, alert.severity, alert.cameraId, alert.ts, alert.state, alert.eventId ?? null, alert.plate ?? null,
          alert.display ?? null, alert.matchKind ?? null, alert.watchlistId ?? null, alert.reason ?? null, alert.snapshot ?? null,
          alert.crop ?? null, alert.updatedAt ?? null, alert.updatedBy ?? null, alert.note ?? null, alert.resolveReason ?? null,
          alert.possible ?? null, alert.boxes ? JSON.stringify(alert.boxes) : null,
        ],
      );
      for (const h of history) {
        await tx.query("INSERT INTO alert_history (alert_id, state, at, by, note) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", [
          alert.id, h.state, h.at, h.by, h.note,
        ]);
      }
    },
    async get(id: string): Promise<Alert | null> {
      const { rows } = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [id]);
      return rows[0] ? rowToAlert(rows[0]) : null;
    },
    async history(id: string): Promise<AlertHistoryEntry[]> {
      const { rows } = await db.query<AlertHistoryEntry>("SELECT state, at, by, note FROM alert_history WHERE alert_id = $1 ORDER BY at, id", [id]);
      return rows;
    },
    async list(f: AlertListFilter): Promise<Alert[]> {
      const { rows } = await db.query<AlertRow>(
        `SELECT ${COLUMNS} FROM alerts
          WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR type = $2)
            AND ($3::timestamptz IS NULL OR ts >= $3) AND ($4::timestamptz IS NULL OR ts <= $4)
          ORDER BY ts DESC LIMIT $5`,
        [f.state ?? null, f.type ?? null, f.from ?? null, f.to ?? null, f.limit],
      );
      return rows.map(rowToAlert);
    },
    /** Open alerts, to rebuild the in-memory de-duplication state at start. */
    async listOpenSince(sinceIso: string): Promise<Alert[]> {
      const { rows } = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE ts >= $1 OR state <> 'resolved' ORDER BY ts`, [sinceIso]);
      return rows.map(rowToAlert);
    },
  };
}
export type AlertsRepository = ReturnType<typeof createAlertsRepository>;
