import { z } from "zod";
import { alertResolveReason, alertSchema, alertState, alertType } from "../messages/alert.js";
import { cameraAnalytic, cameraConfigSchema } from "../messages/camera-config.js";
import { cameraStatusSchema } from "../messages/camera-status.js";
import { isoTimestamp, normalisedBox, plateRows } from "../messages/common.js";

export const errorResponseSchema = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

// Cameras ---------------------------------------------------------------
/** A camera as the API returns it: config with the URL's credentials redacted, plus live status. */
export const cameraViewSchema = cameraConfigSchema.extend({
  status: cameraStatusSchema.omit({ schemaVersion: true }).nullable(),
  lastSnapshot: z.string().nullable().optional(),
});
export type CameraView = z.infer<typeof cameraViewSchema>;
/**
 * PATCH body: every field optional and none defaulted. `analytics` is re-declared because the config
 * schema defaults it, and a default would silently reset a camera's analytics on every unrelated patch.
 */
export const cameraPatchSchema = cameraConfigSchema
  .omit({ id: true, analytics: true })
  .partial()
  .extend({ analytics: z.array(cameraAnalytic).optional() })
  .strict();
export type CameraPatch = z.infer<typeof cameraPatchSchema>;

// Plate search ------------------------------------------------------------
export const plateMatchMode = z.enum(["exact", "prefix", "contains", "fuzzy"]);
export type PlateMatchMode = z.infer<typeof plateMatchMode>;

export const plateSearchQuerySchema = z.object({
  q: z.string().min(1).max(20),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  cameraId: z.string().max(64).optional(),
  match: plateMatchMode.default("exact"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  reason: z.string().min(3, "a reason for the search is required").max(500),
});
export type PlateSearchQuery = z.infer<typeof plateSearchQuerySchema>;

export const plateReadSchema = z.object({
  id: z.uuid(),
  cameraId: z.string(),
  ts: isoTimestamp,
  plate: z.string(),
  display: z.string(),
  rows: plateRows,
  confidence: z.number(),
  bbox: normalisedBox,
  snapshot: z.string().nullable().optional(),
  crop: z.string().nullable().optional(),
  score: z.number().optional(),
});
export type PlateRead = z.infer<typeof plateReadSchema>;
export const plateSearchResponseSchema = z.object({ items: z.array(plateReadSchema), nextCursor: z.string().nullable() });
export type PlateSearchResponse = z.infer<typeof plateSearchResponseSchema>;

export const plateTrackQuerySchema = z.object({ from: isoTimestamp.optional(), to: isoTimestamp.optional() });
export const trackPointSchema = z.object({
  ts: isoTimestamp,
  cameraId: z.string(),
  cameraName: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  eventId: z.uuid(),
  snapshot: z.string().nullable().optional(),
});
export type TrackPoint = z.infer<typeof trackPointSchema>;
export const plateTrackResponseSchema = z.object({ plate: z.string(), display: z.string(), points: z.array(trackPointSchema) });
export type PlateTrackResponse = z.infer<typeof plateTrackResponseSchema>;

// Watchlist -----------------------------------------------------------------
export const watchlistPriority = z.enum(["low", "medium", "high", "critical"]);
export type WatchlistPriority = z.infer<typeof watchlistPriority>;
export const watchlistCreateSchema = z.object({
  plate: z.string().min(4).max(20),
  reason: z.string().min(1).max(500),
  priority: watchlistPriority.default("high"),
  expiresAt: isoTimestamp.optional(),
});
export type WatchlistCreate = z.infer<typeof watchlistCreateSchema>;
export const watchlistEntrySchema = z.object({
  id: z.uuid(),
  plate: z.string(),
  display: z.string(),
  reason: z.string(),
  priority: watchlistPriority,
  expiresAt: isoTimestamp.nullable(),
  createdAt: isoTimestamp,
  createdBy: z.string(),
  hits: z.number().int().optional(),
});
export type WatchlistEntry = z.infer<typeof watchlistEntrySchema>;
export const watchlistCreateResponseSchema = z.object({ entry: watchlistEntrySchema, pastHits: z.number().int() });

// Alerts ----------------------------------------------------------------------
export const alertListQuerySchema = z.object({
  state: alertState.optional(),
  type: alertType.optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertListQuery = z.infer<typeof alertListQuerySchema>;
export const alertListResponseSchema = z.object({ items: z.array(alertSchema) });
export const alertAckBodySchema = z.object({ note: z.string().max(2000).optional() });
/** `reason` is optional for clients written before it existed (they send only `note`): it defaults to "other". */
export const alertResolveBodySchema = z.object({ reason: alertResolveReason.default("other"), note: z.string().min(1).max(2000) });
export type AlertResolveBody = z.output<typeof alertResolveBodySchema>;
export const alertHistoryEntrySchema = z.object({
  state: alertState,
  at: isoTimestamp,
  by: z.string().nullable(),
  note: z.string().nullable(),
});
export type AlertHistoryEntry = z.infer<typeof alertHistoryEntrySchema>;

// Audit -------------------------------------------------------------------------
export const auditEntrySchema = z.object({
  id: z.number().int(),
  ts: isoTimestamp,
  username: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditListResponseSchema = z.object({ items: z.array(auditEntrySchema) });
