import { z } from "zod";
import { cameraId, isoTimestamp, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";

export const alertType = z.enum(["watchlist_hit", "fire", "smoke", "camera_offline"]);
export type AlertType = z.infer<typeof alertType>;
export const alertSeverity = z.enum(["low", "medium", "high", "critical"]);
export type AlertSeverity = z.infer<typeof alertSeverity>;
export const alertState = z.enum(["new", "acknowledged", "resolved"]);
export type AlertState = z.infer<typeof alertState>;
export const watchlistMatchKind = z.enum(["exact", "fuzzy"]);
export type WatchlistMatchKind = z.infer<typeof watchlistMatchKind>;

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
});
export type Alert = z.infer<typeof alertSchema>;

export const alertMessage = {
  schema: alertSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: false,
  topic: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/alerts`,
};
