import { alertSeverity, alertState, type Alert, type AlertHistoryEntry, type AlertState, type AlertType } from "@vigil/contracts";
import type { Queryable } from "./database.js";
import { cameraInUnitsSql } from "../units/unit-scope.js";

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
  occurrences: number;
  last_seen_at: string | null;
  raised_at: string | null;
  evidence: Alert["evidence"] | null;
  history: Alert["history"] | null;
  system_code: string | null;
  error_code: string | null;
  subject: string | null;
  snapshot_sha256: string | null;
  crop_sha256: string | null;
  /** Selected (SELECT_COLUMNS), never written by `save`: the clip arrives later, through `setClip`. */
  clip?: string | null;
  clip_sha256?: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  assigned_to: string | null;
  assigned_unit_id: string | null;
  escalated_at: string | null;
  escalated_unit_id: string | null;
}

interface HistoryRow {
  state: AlertState;
  at: string;
  by: string | null;
  note: string | null;
  kind: NonNullable<AlertHistoryEntry["kind"]>;
  reason: AlertHistoryEntry["reason"] | null;
  occurrence: number | null;
  camera_id: string | null;
  event_id: string | null;
  assigned_to: string | null;
  unit_id: string | null;
}

const COLUMNS =
  "id, type, severity, camera_id, ts, state, event_id, plate, display, match_kind, watchlist_id, reason, snapshot, crop, updated_at, updated_by, note, resolve_reason, possible, boxes, occurrences, last_seen_at, raised_at, evidence, history, system_code, subject, acknowledged_by, acknowledged_at, assigned_to, assigned_unit_id, escalated_at, escalated_unit_id, snapshot_sha256, crop_sha256, error_code";

/** What reads return: the saved columns and the event clip (written apart, by `setClip`, once cut). */
const SELECT_COLUMNS = `${COLUMNS}, clip, clip_sha256`;

/**
 * The queue order of `compareAlertsForQueue` (contracts) in SQL: state, then severity (the ranks come
 * from the same enums), then the latest of last seen and raised.
 */
const QUEUE_ORDER = `array_position(ARRAY['${alertState.options.join("','")}'], state),
  array_position(ARRAY['${alertSeverity.options.join("','")}'], severity) DESC,
  GREATEST(COALESCE(last_seen_at, ts), COALESCE(raised_at, ts)) DESC, id`;

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
    ...(r.occurrences > 1 || r.last_seen_at ? { occurrences: r.occurrences } : {}),
    ...opt("lastSeenAt", r.last_seen_at),
    ...opt("systemCode", r.system_code),
    ...(r.error_code ? { errorCode: r.error_code as NonNullable<Alert["errorCode"]> } : {}),
    ...opt("subject", r.subject),
    ...opt("snapshotSha256", r.snapshot_sha256),
    ...opt("cropSha256", r.crop_sha256),
    ...opt("clip", r.clip ?? null),
    ...opt("clipSha256", r.clip_sha256 ?? null),
    ...opt("raisedAt", r.raised_at),
    ...opt("evidence", r.evidence),
    ...opt("history", r.history),
    ...opt("acknowledgedBy", r.acknowledged_by),
    ...opt("acknowledgedAt", r.acknowledged_at),
    // Assigned: both fields, the other one null (see the contract).
    ...(r.assigned_to !== null || r.assigned_unit_id !== null ? { assignedTo: r.assigned_to, assignedUnitId: r.assigned_unit_id } : {}),
    ...opt("escalatedAt", r.escalated_at),
    ...opt("escalatedToUnitId", r.escalated_unit_id),
  };
}

function rowToHistory(r: HistoryRow): AlertHistoryEntry {
  return {
    state: r.state,
    at: r.at,
    by: r.by,
    note: r.note,
    ...(r.kind !== "state" ? { kind: r.kind } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.occurrence ? { occurrence: r.occurrence } : {}),
    ...(r.camera_id ? { cameraId: r.camera_id } : {}),
    ...(r.event_id ? { eventId: r.event_id } : {}),
    ...(r.assigned_to ? { assignedTo: r.assigned_to } : {}),
    ...(r.unit_id ? { unitId: r.unit_id } : {}),
  };
}

export interface AlertListFilter {
  state?: AlertState;
  type?: AlertType;
  from?: string;
  to?: string;
  limit: number;
  order?: "queue" | "newest";
  /** System alerts are for administrators: false leaves them out. */
  withSystem?: boolean;
  /**
   * Only alerts of these units (a user's scope, unit-scope.ts): their camera's unit, their watchlist
   * entry's, or the unit they were given to. Absent or null: every alert.
   */
  units?: string[] | null;
}

export function createAlertsRepository(db: Queryable) {
  return {
    /** Writes the alert's current state and its history entries; idempotent (safe to replay after an outage). */
    async save(alert: Alert, history: AlertHistoryEntry[], tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO alerts (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32,$33,$34,$35,$36)
         ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, ts = excluded.ts, state = excluded.state,
           event_id = excluded.event_id, match_kind = excluded.match_kind, snapshot = excluded.snapshot, crop = excluded.crop,
           snapshot_sha256 = excluded.snapshot_sha256, crop_sha256 = excluded.crop_sha256,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by, note = excluded.note, resolve_reason = excluded.resolve_reason,
           possible = excluded.possible, boxes = excluded.boxes, occurrences = excluded.occurrences, last_seen_at = excluded.last_seen_at,
           raised_at = excluded.raised_at, evidence = excluded.evidence, history = excluded.history,
           acknowledged_by = COALESCE(alerts.acknowledged_by, excluded.acknowledged_by), acknowledged_at = COALESCE(alerts.acknowledged_at, excluded.acknowledged_at),
           assigned_to = excluded.assigned_to, assigned_unit_id = excluded.assigned_unit_id,
           -- Never unset: a copy saved by an instance that did not escalate must not undo the escalation.
           escalated_at = COALESCE(alerts.escalated_at, excluded.escalated_at), escalated_unit_id = COALESCE(alerts.escalated_unit_id, excluded.escalated_unit_id)`,
        [
          alert.id, alert.type, alert.severity, alert.cameraId, alert.ts, alert.state, alert.eventId ?? null, alert.plate ?? null,
          alert.display ?? null, alert.matchKind ?? null, alert.watchlistId ?? null, alert.reason ?? null, alert.snapshot ?? null,
          alert.crop ?? null, alert.updatedAt ?? null, alert.updatedBy ?? null, alert.note ?? null, alert.resolveReason ?? null,
          alert.possible ?? null, alert.boxes ? JSON.stringify(alert.boxes) : null, alert.occurrences ?? 1, alert.lastSeenAt ?? null,
          alert.raisedAt ?? null, alert.evidence ? JSON.stringify(alert.evidence) : null, alert.history ? JSON.stringify(alert.history) : null,
          alert.systemCode ?? null, alert.subject ?? null, alert.acknowledgedBy ?? null, alert.acknowledgedAt ?? null,
          alert.assignedTo ?? null, alert.assignedUnitId ?? null, alert.escalatedAt ?? null, alert.escalatedToUnitId ?? null,
          alert.snapshotSha256 ?? null, alert.cropSha256 ?? null, alert.errorCode ?? null,
        ],
      );
      for (const h of history) {
        await tx.query(
          `INSERT INTO alert_history (alert_id, state, at, by, note, kind, reason, occurrence, camera_id, event_id, assigned_to, unit_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
          [alert.id, h.state, h.at, h.by, h.note, h.kind ?? "state", h.reason ?? null, h.occurrence ?? null, h.cameraId ?? null, h.eventId ?? null, h.assignedTo ?? null, h.unitId ?? null],
        );
      }
    },
    async get(id: string): Promise<Alert | null> {
      const { rows } = await db.query<AlertRow>(`SELECT ${SELECT_COLUMNS} FROM alerts WHERE id = $1`, [id]);
      return rows[0] ? rowToAlert(rows[0]) : null;
    },
    /** The full log, in the order it was recorded (an occurrence's `at` is its event's time, which may be older). */
    async history(id: string): Promise<AlertHistoryEntry[]> {
      const { rows } = await db.query<HistoryRow>(
        "SELECT state, at, by, note, kind, reason, occurrence, camera_id, event_id, assigned_to, unit_id FROM alert_history WHERE alert_id = $1 ORDER BY id",
        [id],
      );
      return rows.map(rowToHistory);
    },
    async list(f: AlertListFilter): Promise<Alert[]> {
      const { rows } = await db.query<AlertRow>(
        `SELECT ${SELECT_COLUMNS} FROM alerts
          WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR type = $2)
            AND ($3::timestamptz IS NULL OR ts >= $3) AND ($4::timestamptz IS NULL OR ts <= $4)
            AND ($6::boolean OR type <> 'system')
            AND ($7::text[] IS NULL OR ${cameraInUnitsSql("camera_id", "$7")} OR assigned_unit_id = ANY($7)
                 OR watchlist_id IN (SELECT id FROM watchlist WHERE unit_id = ANY($7)))
          ORDER BY ${f.order === "newest" ? "ts DESC, id" : QUEUE_ORDER} LIMIT $5`,
        [f.state ?? null, f.type ?? null, f.from ?? null, f.to ?? null, f.limit, f.withSystem ?? true, f.units ?? null],
      );
      return rows.map(rowToAlert);
    },
    /**
     * Marks a still-new alert escalated and logs the escalation, in one statement; only the first
     * caller gets true (another alert instance, or a replay, finds `escalated_at` set). False also
     * when the alert is not stored yet or no longer new.
     */
    async markEscalated(alert: Alert, entry: AlertHistoryEntry): Promise<boolean> {
      const { rows } = await db.query<{ id: string }>(
        `WITH up AS (
           UPDATE alerts SET escalated_at = $2, escalated_unit_id = $3, history = $4, updated_at = GREATEST(updated_at, $2::timestamptz)
            WHERE id = $1 AND escalated_at IS NULL AND state = 'new' RETURNING id),
         h AS (
           INSERT INTO alert_history (alert_id, state, at, by, note, kind, unit_id)
           SELECT id, 'new', $2, $5, NULL, 'escalation', $3 FROM up ON CONFLICT DO NOTHING)
         SELECT id FROM up`,
        [alert.id, entry.at, entry.unitId ?? null, JSON.stringify(alert.history ?? []), entry.by],
      );
      return rows.length === 1;
    },
    /** The alert's event clip (#17); false while the alert is not stored yet (its save is still queued). */
    async setClip(id: string, clip: string, clipSha256: string): Promise<boolean> {
      const { rows } = await db.query<{ id: string }>("UPDATE alerts SET clip = $2, clip_sha256 = $3 WHERE id = $1 RETURNING id", [id, clip, clipSha256]);
      return rows.length > 0;
    },
    /** Open alerts and those raised or seen since `sinceIso`, to rebuild the in-memory de-duplication state at start. */
    async listOpenSince(sinceIso: string): Promise<Alert[]> {
      const { rows } = await db.query<AlertRow>(`SELECT ${SELECT_COLUMNS} FROM alerts WHERE ts >= $1 OR last_seen_at >= $1 OR state <> 'resolved' ORDER BY ts`, [sinceIso]);
      return rows.map(rowToAlert);
    },
  };
}
export type AlertsRepository = ReturnType<typeof createAlertsRepository>;

/**
 * Which of these `/media/…` paths some alert refers to (snapshot, crop, clip, an evidence entry): media
 * retention keeps those, for as long as the alert exists. One lookup per batch through migration 027's
 * index. Apart from the repository (which alerting's tests fake): only media retention asks it.
 */
export async function alertMediaInUse(db: Queryable, paths: readonly string[]): Promise<Set<string>> {
  if (!paths.length) return new Set();
  const { rows } = await db.query<{ path: string }>(
    `SELECT DISTINCT p AS path FROM alerts, unnest(alert_media_paths(snapshot, crop, clip, evidence)) p
      WHERE alert_media_paths(snapshot, crop, clip, evidence) && $1::text[] AND p = ANY($1::text[])`,
    [paths],
  );
  return new Set(rows.map((r) => r.path));
}
