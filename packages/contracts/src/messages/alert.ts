import { z } from "zod";
import { cameraId, isoTimestamp, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";
import { fireBoxSchema } from "./fire-event.js";

export const alertType = z.enum(["watchlist_hit", "fire", "smoke", "camera_offline"]);
export type AlertType = z.infer<typeof alertType>;
export const alertSeverity = z.enum(["low", "medium", "high", "critical"]);
export type AlertSeverity = z.infer<typeof alertSeverity>;
export const alertState = z.enum(["new", "acknowledged", "resolved"]);
export type AlertState = z.infer<typeof alertState>;
export const watchlistMatchKind = z.enum(["exact", "fuzzy"]);
export type WatchlistMatchKind = z.infer<typeof watchlistMatchKind>;
/**
 * Why a supervisor closed an alert (SPEC: resolve `reason`). `false_alarm` on a fire/smoke alert keeps
 * its evidence frame as a hard negative for that camera's fire model.
 */
export const alertResolveReason = z.enum(["true_hit", "false_alarm", "duplicate", "test", "other"]);
export type AlertResolveReason = z.infer<typeof alertResolveReason>;

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
  /** Fire/smoke: the boxes of the event's latest revision. */
  boxes: z.array(fireBoxSchema).max(100).optional(),
});
export type Alert = z.infer<typeof alertSchema>;

export const alertMessage = {
  schema: alertSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: false,
  topic: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/alerts`,
};
