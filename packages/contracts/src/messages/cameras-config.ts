import { z } from "zod";
import { DEFAULT_TOPIC_PREFIX, isoTimestamp, SCHEMA_VERSION, schemaVersionField } from "./common.js";
import { cameraConfigSchema, URL_USERINFO as USERINFO, type CameraConfig } from "./camera-config.js";
import { decodePayload } from "../parse.js";

/** Whether a camera URL carries credentials (`rtsp://user:pass@host/…`); file paths never do. */
export function urlHasCredentials(url: string): boolean {
  return USERINFO.test(url);
}

/** The URL with its user-info removed entirely (`rtsp://host/…`): what may travel on the bus or sit in plain text. */
export function stripUrlCredentials(url: string): string {
  return url.replace(USERINFO, "$1");
}

/**
 * One camera as the broker may see it: the URL without credentials, and `hasCredentials` when the
 * real URL has some. Ingest then fetches the full list over the alert service's authenticated
 * internal API (or takes the URL from its own CAMERAS_FILE).
 */
export const publishedCameraSchema = cameraConfigSchema.extend({ hasCredentials: z.boolean().optional() });
export type PublishedCamera = z.infer<typeof publishedCameraSchema>;

export function publishedCamera(camera: CameraConfig): PublishedCamera {
  if (!urlHasCredentials(camera.url)) return camera;
  return { ...camera, url: stripUrlCredentials(camera.url), hasCredentials: true };
}

const uniqueIds = (cams: { id: string }[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  cams.forEach((c, i) => {
    if (seen.has(c.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate camera id "${c.id}"` });
    seen.add(c.id);
  });
};

/**
 * Retained on `{prefix}/config/cameras` by the alert service: the camera list for standalone ingest.
 * Never holds credentials (issue 15, finding 3): any broker client can read a retained message.
 */
export const camerasConfigMessageSchema = z
  .object({
    schemaVersion: schemaVersionField,
    ts: isoTimestamp,
    cameras: z.array(publishedCameraSchema).superRefine(uniqueIds),
  })
  .loose();
export type CamerasConfigMessage = z.infer<typeof camerasConfigMessageSchema>;

export const camerasConfigMessage = {
  schema: camerasConfigMessageSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: true,
  topic: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/config/cameras`,
};

export type CamerasConfigDecode = { ok: true; cameras: PublishedCamera[] } | { ok: false; reason: string };

/**
 * For consumers of the retained list (standalone ingest): never throws; an empty payload (the
 * retained list cleared) is a rejection too.
 */
export function decodeCamerasConfig(payload: Uint8Array | string): CamerasConfigDecode {
  if (payload.length === 0) return { ok: false, reason: "empty payload (retained list cleared)" };
  const r = decodePayload(camerasConfigMessageSchema, payload);
  return r.ok ? { ok: true, cameras: r.value.cameras } : { ok: false, reason: r.reason };
}

/**
 * `GET /api/v1/internal/cameras` (alert service, service token; not in the public OpenAPI): the
 * full camera list with credentials, for ingest only.
 */
export const INTERNAL_CAMERAS_PATH = "/api/v1/internal/cameras";
export const internalCamerasResponseSchema = z.object({ cameras: z.array(cameraConfigSchema).superRefine(uniqueIds) });
export type InternalCamerasResponse = z.infer<typeof internalCamerasResponseSchema>;
