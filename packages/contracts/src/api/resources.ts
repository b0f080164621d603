import { z } from "zod";
import { alertResolveReason, alertSchema, alertState, alertType } from "../messages/alert.js";
import { cameraAnalytic, cameraConfigSchema } from "../messages/camera-config.js";
import { cameraStatusSchema } from "../messages/camera-status.js";
import { isoTimestamp, normalisedBox, plateRows } from "../messages/common.js";
import { sha256Hex } from "../messages/evidence-hash.js";
import { userRole } from "./auth.js";
import { unitIdSchema } from "./units.js";

export const errorResponseSchema = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

// Cameras ---------------------------------------------------------------
/** A camera as the API returns it: config with the URL's credentials redacted, plus live status. */
export const cameraViewSchema = cameraConfigSchema.extend({
  status: cameraStatusSchema.omit({ schemaVersion: true }).nullable(),
  lastSnapshot: z.string().nullable().optional(),
  /**
   * Fraction of the last 24 h the camera was up (online or degraded: it delivered video), over the part
   * of the window whose state is known; null when none of it is known (no state recorded yet).
   */
  uptime24h: z.number().min(0).max(1).nullable().optional(),
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

/**
 * Why someone looks up a person's movements or history (searches, tracks, exports): required,
 * trimmed, at least 3 characters (a case number, an incident); written to the audit log.
 */
export const lookupReasonSchema = z.string().trim().min(3, "a reason of at least 3 characters is required (e.g. a case number)").max(500);

/** Longest time window that can be browsed without a plate (`q` absent). */
export const PLATE_BROWSE_MAX_WINDOW_MS = 7 * 24 * 3_600_000;

/**
 * With `q`: reads of that plate (by `match`). Without `q`: every read in a time window (`from` and
 * `to` both required, at most 7 days), optionally at one camera — "what passed camera X 22:00–23:00?".
 */
const plateLookupFields = {
  q: z.string().min(1).max(20).optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  cameraId: z.string().max(64).optional(),
  match: plateMatchMode.default("exact"),
  reason: lookupReasonSchema,
};
/** Without a plate, a bounded time window: the rule the search and the export share. */
function requireWindowWithoutPlate(v: { q?: string | undefined; from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (v.q !== undefined) return;
  if (!v.from || !v.to) ctx.addIssue({ code: "custom", path: ["from"], message: "without q, give a time window: from and to" });
  else if (Date.parse(v.to) - Date.parse(v.from) > PLATE_BROWSE_MAX_WINDOW_MS) ctx.addIssue({ code: "custom", path: ["to"], message: "without q, the window is at most 7 days" });
}
export const plateSearchQuerySchema = z
  .object({
    ...plateLookupFields,
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .superRefine(requireWindowWithoutPlate);
export type PlateSearchQuery = z.infer<typeof plateSearchQuerySchema>;

/** Most rows one CSV export holds; a larger result is cut there (and says so in `x-export-truncated`). */
export const PLATE_EXPORT_MAX_ROWS = 10_000;
/**
 * `GET /api/v1/plates/export`: the search's filter and reason (no paging: every match, newest first,
 * up to PLATE_EXPORT_MAX_ROWS), and the language of the column headings.
 */
export const plateExportQuerySchema = z
  .object({ ...plateLookupFields, lang: z.enum(["vi", "en"]).default("vi") })
  .superRefine(requireWindowWithoutPlate);
export type PlateExportQuery = z.infer<typeof plateExportQuerySchema>;

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
  /** SHA-256 of the evidence files as written (absent on reads from before hashes). */
  snapshotSha256: sha256Hex.optional(),
  cropSha256: sha256Hex.optional(),
  score: z.number().optional(),
});
export type PlateRead = z.infer<typeof plateReadSchema>;
export const plateSearchResponseSchema = z.object({ items: z.array(plateReadSchema), nextCursor: z.string().nullable() });
export type PlateSearchResponse = z.infer<typeof plateSearchResponseSchema>;

export const plateTrackQuerySchema = z.object({ from: isoTimestamp.optional(), to: isoTimestamp.optional(), reason: lookupReasonSchema });
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
/**
 * "plate" (default): `plate` must be a valid Vietnamese plate (51F-123.45, 59-X1 234.56), matched exactly
 * and OCR-fuzzily. "partial": a fragment of 3–12 letters/digits (a witness saw "51K…25"), matched
 * wherever a read contains it; alerts from it are one severity lower, like fuzzy hits.
 */
export const watchlistMatchType = z.enum(["plate", "partial"]);
export type WatchlistMatchType = z.infer<typeof watchlistMatchType>;
export const watchlistCreateSchema = z.object({
  plate: z.string().min(3).max(20),
  match: watchlistMatchType.default("plate"),
  reason: z.string().min(1).max(500),
  priority: watchlistPriority.default("high"),
  expiresAt: isoTimestamp.optional(),
  /** The unit that owns the entry (who sees it); absent: the creator's unit. */
  unitId: unitIdSchema.optional(),
});
/** Callers inside the system (the demo, tests) may leave `match` out: "plate". */
export type WatchlistCreate = Omit<z.infer<typeof watchlistCreateSchema>, "match"> & { match?: WatchlistMatchType };
export const watchlistEntrySchema = z.object({
  id: z.uuid(),
  plate: z.string(),
  display: z.string(),
  /** Absent on entries from before match types existed: "plate". */
  match: watchlistMatchType.optional(),
  reason: z.string(),
  priority: watchlistPriority,
  expiresAt: isoTimestamp.nullable(),
  createdAt: isoTimestamp,
  createdBy: z.string(),
  hits: z.number().int().optional(),
  unitId: unitIdSchema.optional(),
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
  /** queue (default): new → acknowledged → resolved, most severe, most recently seen first. newest: by `ts`. */
  order: z.enum(["queue", "newest"]).optional(),
});
export type AlertListQuery = z.infer<typeof alertListQuerySchema>;
export const alertListResponseSchema = z.object({ items: z.array(alertSchema) });
export const alertAckBodySchema = z.object({ note: z.string().max(2000).optional() });
/** `reason` is optional for clients written before it existed (they send only `note`): it defaults to "other". */
export const alertResolveBodySchema = z.object({ reason: alertResolveReason.default("other"), note: z.string().min(1).max(2000) });
export type AlertResolveBody = z.output<typeof alertResolveBodySchema>;
// Alerts carry their history, so its schema lives beside the alert; re-exported here where it used to be.
export { alertHistoryEntrySchema, type AlertHistoryEntry } from "../messages/alert.js";

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

// Users -------------------------------------------------------------------------
/** A user as admins see them: never the password hash. `lastLoginAt` is null until their first login. */
export const userViewSchema = z.object({
  username: z.string(),
  role: userRole,
  disabled: z.boolean(),
  createdAt: isoTimestamp,
  createdBy: z.string().nullable(),
  lastLoginAt: isoTimestamp.nullable(),
  unitId: unitIdSchema.optional(),
});
export type UserView = z.infer<typeof userViewSchema>;
export const userListResponseSchema = z.object({ items: z.array(userViewSchema) });
export const usernameParamsSchema = z.object({ username: z.string().min(1).max(64) });
/**
 * PATCH /api/v1/users/{username}: any of role, disabled, a new password (a reset), another unit. Disabling,
 * resetting the password, lowering the role or moving them to another unit ends every session of that user.
 */
export const userPatchSchema = z
  .object({ role: userRole.optional(), disabled: z.boolean().optional(), password: z.string().min(1).max(256).optional(), unitId: unitIdSchema.optional() })
  .strict()
  .refine((p) => p.role !== undefined || p.disabled !== undefined || p.password !== undefined || p.unitId !== undefined, "give at least one of role, disabled, password, unitId");
export type UserPatch = z.infer<typeof userPatchSchema>;
export const userPatchResponseSchema = z.object({ user: userViewSchema, sessionsRevoked: z.number().int().nonnegative() });
export const userSessionsRevokedResponseSchema = z.object({ username: z.string(), revoked: z.number().int().nonnegative() });
