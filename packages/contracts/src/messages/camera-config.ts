import { z } from "zod";
import { cameraId, SYSTEM_ALERT_CAMERA_ID } from "./common.js";
import { fireSensitivity, fireZonesSchema } from "./fire-zones.js";
import { unitIdSchema } from "../api/units.js";

export const cameraAnalytic = z.enum(["plates", "fire"]);
export type CameraAnalytic = z.infer<typeof cameraAnalytic>;

/** One camera as written in CAMERAS_FILE or sent to POST /api/v1/cameras. */
export const cameraConfigSchema = z
  .object({
    id: cameraId.refine((id) => id.toLowerCase() !== SYSTEM_ALERT_CAMERA_ID, { message: `camera id "${SYSTEM_ALERT_CAMERA_ID}" is reserved for system alerts` }),
    name: z.string().min(1).max(200),
    url: z
      .string()
      .min(1)
      .refine((u) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(u) || /^rtsps?:\/\//i.test(u), {
        message: "url must be rtsp://… or rtsps://… or a local video file path",
      }),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    heading: z.number().min(0).max(360).optional(),
    fovDeg: z.number().gt(0).max(360).optional(),
    rangeM: z.number().positive().max(5000).optional(),
    analytics: z.array(cameraAnalytic).default(["plates", "fire"]),
    sampleFps: z.number().positive().max(30).optional(),
    keyframesOnly: z.boolean().optional(),
    enabled: z.boolean().optional(),
    /** Exclusion zones where fire/smoke is never reported (a neon sign, a street lamp); see fire-zones.ts. */
    fireZones: fireZonesSchema.optional(),
    /** Absent means "normal". */
    fireSensitivity: fireSensitivity.optional(),
    /** The police unit the camera belongs to (who sees it, its reads and alerts); absent: the root unit. */
    unitId: unitIdSchema.optional(),
    /** Operators may watch the camera live in the console (GET /api/v1/cameras/{id}/live). Absent: true. */
    liveView: z.boolean().optional(),
    /** Alerts from this camera get a video clip (~5 s before to ~10 s after the event). Absent: true. */
    clips: z.boolean().optional(),
  })
  .strict();
export type CameraConfig = z.infer<typeof cameraConfigSchema>;
export type CameraConfigInput = z.input<typeof cameraConfigSchema>;

/** CAMERAS_FILE holds either a bare list or `{ cameras: [...] }`; ids must be unique. */
export const camerasFileSchema = z
  .union([z.array(cameraConfigSchema), z.object({ cameras: z.array(cameraConfigSchema) }).strict()], {
    error: "must be a list of cameras, or an object { cameras: [...] }",
  })
  .transform((v) => (Array.isArray(v) ? v : v.cameras))
  .superRefine((cams, ctx) => {
    const seen = new Set<string>();
    cams.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate camera id "${c.id}"` });
      seen.add(c.id);
    });
  });
export type CamerasFile = z.output<typeof camerasFileSchema>;

/**
 * Validates a parsed CAMERAS_FILE for a start-up error: throws one Error naming `source` and
 * listing every problem with its place (`cameras.2.fireZones.0: fire zone crosses itself…`).
 * Every reader of the file goes through this, so they all reject the same files the same way.
 */
export function parseCamerasFile(raw: unknown, source: string): CamerasFile {
  const parsed = camerasFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new Error(`${source}: invalid cameras file:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n")}`);
}

export const DEFAULT_SAMPLE_FPS = 2;

/** A URL's scheme and user-info (`user:password@`), up to the last '@' before the path (see redactUrl). */
export const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/\s]+)@/i;

/**
 * Replaces the user:password part of an RTSP URL; use it whenever a URL may reach a log or an API reply.
 * The user-info runs to the LAST '@' before the path: cameras are often configured with a raw '@'
 * in the password (`rtsp://admin:p@ss@host`), and stopping at the first '@' would leak the rest.
 */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, "$1***:***@");
}

