import { z } from "zod";
import { cameraId, isoTimestamp, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";
import { fireBoxSchema } from "./fire-event.js";
import { cameraErrorCode } from "./camera-status.js";
import { evidenceHashFields, sha256Hex } from "./evidence-hash.js";

/**
 * `system`: something about Vigil itself that an administrator must see (an account locked after too
 * many failed logins, evidence or audit that fails its integrity check). Only admins receive these.
 */
export const alertType = z.enum(["watchlist_hit", "fire", "smoke", "camera_offline", "system"]);
export type AlertType = z.infer<typeof alertType>;
/** What a system alert is about; the console words each. Other codes are shown with their `reason`. */
export const systemAlertCode = z.enum(["account_locked", "integrity_failure"]).or(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/));
export type SystemAlertCode = z.infer<typeof systemAlertCode>;
export const alertSeverity = z.enum(["low", "medium", "high", "critical"]);
export type AlertSeverity = z.infer<typeof alertSeverity>;
export const alertState = z.enum(["new", "acknowledged", "resolved"]);
export type AlertState = z.infer<typeof alertState>;
/** How a read matched its watchlist entry; "partial": the entry is a fragment (match "partial") the read contains. */
export const watchlistMatchKind = z.enum(["exact", "fuzzy", "partial"]);
export type WatchlistMatchKind = z.infer<typeof watchlistMatchKind>;
/**
 * Why a supervisor closed an alert (SPEC: resolve `reason`). `false_alarm` on a fire/smoke alert keeps
 * its evidence frame as a hard negative for that camera's fire model.
 */
export const alertResolveReason = z.enum(["true_hit", "false_alarm", "duplicate", "test", "other"]);
export type AlertResolveReason = z.infer<typeof alertResolveReason>;

/** How many evidence pictures an alert keeps (the first, and the newest after it). */
export const ALERT_EVIDENCE_LIMIT = 20;
/** How many entries the history carried on an alert keeps; every state change stays, the oldest occurrences go first. */
export const ALERT_HISTORY_LIMIT = 30;

/**
 * One picture of the condition, as it was when seen: a later occurrence or fire revision adds one
 * and never replaces an earlier one.
 */
export const alertEvidenceSchema = z.object({
  snapshot: z.string().max(500).optional(),
  crop: z.string().max(500).optional(),
  /** SHA-256 of each file as its writer made it (absent on evidence from before hashes). */
  ...evidenceHashFields,
  /** When the event it shows was seen (the event's own time). */
  at: isoTimestamp,
  cameraId: cameraId.optional(),
  eventId: z.uuid().optional(),
});
export type AlertEvidence = z.infer<typeof alertEvidenceSchema>;

/**
 * One line of an alert's history. `kind` absent or "state": raised (state new), acknowledged or
 * resolved, by whom, with the note (and the resolve reason). "occurrence": the condition was seen
 * again (`occurrence` is the count it brought the alert to; `at` is when the event was seen).
 * "assignment": given to a user or a unit (`by` gave it). "escalation": nobody acknowledged it in
 * time, so it went up to the supervisors (`by` is "system"; the state is unchanged).
 */
export const alertHistoryEntrySchema = z.object({
  state: alertState,
  at: isoTimestamp,
  by: z.string().nullable(),
  note: z.string().nullable(),
  kind: z.enum(["state", "occurrence", "assignment", "escalation"]).optional(),
  reason: alertResolveReason.optional(),
  occurrence: z.number().int().min(1).optional(),
  cameraId: cameraId.optional(),
  eventId: z.uuid().optional(),
  /** "assignment": the user it was given to (absent when given to a unit). */
  assignedTo: z.string().max(64).optional(),
  /** "assignment": the unit it was given to; "escalation": the unit whose supervisors it went to (absent: all supervisors). */
  unitId: z.string().max(64).optional(),
});
export type AlertHistoryEntry = z.infer<typeof alertHistoryEntrySchema>;

/** Published on `{prefix}/alerts` whenever an alert is raised or changes state. */
export const alertSchema = z.object({
  schemaVersion: schemaVersionField,
  id: z.uuid(),
  type: alertType,
  severity: alertSeverity,
  cameraId,
  ts: isoTimestamp,
  state: alertState,
  eventId: z.uuid().optional(),
  // Context the console shows without another round trip.
  plate: z.string().optional(),
  display: z.string().optional(),
  matchKind: watchlistMatchKind.optional(),
  watchlistId: z.uuid().optional(),
  reason: z.string().optional(),
  snapshot: z.string().optional(),
  crop: z.string().optional(),
  snapshotSha256: sha256Hex.optional(),
  cropSha256: sha256Hex.optional(),
  /**
   * The event's video clip (`/media/…mp4`, ~5 s before to ~10 s after it), cut by ingest from its
   * recording ring; it arrives in an `alert:update` some 10 s after the alert. Absent: none (clips
   * off, the camera was offline, or the disk was full).
   */
  clip: z.string().max(500).optional(),
  clipSha256: sha256Hex.optional(),
  updatedAt: isoTimestamp.optional(),
  updatedBy: z.string().optional(),
  note: z.string().optional(),
  /** Set when resolved (`reason` above is the watchlist entry's reason, so this one has its own name). */
  resolveReason: alertResolveReason.optional(),
  /**
   * Smoke only. true: a "possible smoke" (smoke without flame that has not yet persisted and grown;
   * severity low). false: it was possible and has since been confirmed. Absent: never possible.
   */
  possible: z.boolean().optional(),
  /** Camera offline: the camera's error class (the console words it in the operator's language; `reason` is the service's English detail). */
  errorCode: cameraErrorCode.optional(),
  /** System alerts: what it is about (`account_locked`, `integrity_failure`, …). */
  systemCode: systemAlertCode.optional(),
  /** System alerts: the thing concerned (the locked account's username, the broken file or audit row). */
  subject: z.string().max(300).optional(),
  /** Fire/smoke: the boxes of the event's latest revision. */
  boxes: z.array(fireBoxSchema).max(100).optional(),
  /** How many times the condition was seen while this alert was open (1 = only the raising event). Absent on old alerts: 1. */
  occurrences: z.number().int().min(1).optional(),
  /** When the condition was last seen (the latest occurrence's event time); `ts` is the first. */
  lastSeenAt: isoTimestamp.optional(),
  /** When the service raised the alert (differs from `ts` for a retroactive watchlist hit on an old read). */
  raisedAt: isoTimestamp.optional(),
  /** Every picture kept, oldest first (`snapshot`/`crop` above are the newest). */
  evidence: z.array(alertEvidenceSchema).max(ALERT_EVIDENCE_LIMIT).optional(),
  /** Raised, acknowledged, seen again, resolved — in the order it happened (bounded; the full log is `GET /api/v1/alerts/{id}`). */
  history: z.array(alertHistoryEntrySchema).max(ALERT_HISTORY_LIMIT).optional(),
  /** Who took it ("Đang xử lý: …") and when: set by the first acknowledgement, which a second one cannot replace. */
  acknowledgedBy: z.string().optional(),
  acknowledgedAt: isoTimestamp.optional(),
  /**
   * Given to a user (username) — `POST /api/v1/alerts/{id}/assign { userId }`. One of the two at a
   * time: the other is null then (null, not absent, so a console merging updates drops the old one).
   */
  assignedTo: z.string().max(64).nullable().optional(),
  /** Given to a unit — `POST /api/v1/alerts/{id}/assign { unitId }`. */
  assignedUnitId: z.string().max(64).nullable().optional(),
  /** When nobody had acknowledged it within its severity's time and it went up to the supervisors; the severity stays. */
  escalatedAt: isoTimestamp.optional(),
  /** The unit whose supervisors it went to; absent with `escalatedAt`: every supervisor. */
  escalatedToUnitId: z.string().max(64).optional(),
});
export type Alert = z.infer<typeof alertSchema>;

const STATE_RANK: Record<AlertState, number> = { new: 0, acknowledged: 1, resolved: 2 };
const SEVERITY_RANK: Record<AlertSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** low 0 … critical 3. */
export function alertSeverityRank(severity: AlertSeverity): number {
  return SEVERITY_RANK[severity];
}

/**
 * The time an alert sorts by in the queue: its latest occurrence, or when it was raised if that is
 * later — a retroactive watchlist hit on a read from hours ago is news now, not hours ago.
 */
export function alertQueueTime(alert: Pick<Alert, "ts" | "lastSeenAt" | "raisedAt">): number {
  return Math.max(Date.parse(alert.lastSeenAt ?? alert.ts), Date.parse(alert.raisedAt ?? alert.ts));
}

/**
 * The operator's queue order: new, then acknowledged, then resolved; within a state the most severe
 * first; then the most recently seen. The REST list sorts the same way in SQL (alerts-repository).
 */
export function compareAlertsForQueue(a: Alert, b: Alert): number {
  return (
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    alertQueueTime(b) - alertQueueTime(a) ||
    a.id.localeCompare(b.id)
  );
}

export const alertMessage = {
  schema: alertSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: false,
  topic: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/alerts`,
};
