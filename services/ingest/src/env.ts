import { z } from "zod";
import { booleanFromEnv, commonEnvShape, parseEnv } from "@vigil/contracts/node";
import { DEFAULT_FRAME_SCALER } from "@vigil/contracts";

const shardPattern = /^(\d+)\/(\d+)$/;

export const ingestEnvSchema = z
  .object({
    ...commonEnvShape,
    MQTT_URL: commonEnvShape.MQTT_URL.default("mqtt://127.0.0.1:1883"),
    CAMERAS_FILE: z.string().min(1, "CAMERAS_FILE is required: a YAML or JSON list of cameras"),
    /** "i/n": this instance serves the cameras with shardForCamera(id, n) === i. */
    INGEST_SHARD: z
      .string()
      .regex(shardPattern, 'must look like "0/2" (index/count)')
      .transform((v) => {
        const [, i, n] = shardPattern.exec(v)!;
        return { index: Number(i), count: Number(n) };
      })
      .refine((s) => s.count >= 1 && s.index < s.count, "index must be below count, count at least 1")
      .optional(),
    INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(8082),
    INGEST_HOST: z.string().default("0.0.0.0"),
    /** Width of sampled frames; plates need ~1280 px at street distances. */
    INGEST_FRAME_WIDTH: z.coerce.number().int().min(160).max(3840).default(1280),
    /** Frames from ffmpeg through a FIFO read straight into their buffers (source/frame-fifo.ts); false: over stdout. */
    INGEST_FRAME_FIFO: booleanFromEnv.default(true),
    /** How many inference workers share the frames (topics vigil/frames/0..n-1). */
    FRAME_SHARDS: z.coerce.number().int().min(1).max(1024).default(1),
    /** How frames cross MQTT to inference on other hosts: JPEG, or raw pixels (rgb24, or yuv420 at half its bytes; one host only). */
    FRAME_FORMAT: z.enum(["jpeg", "rgb24", "yuv420"]).default("jpeg"),
    /**
     * Pixels of frames handed to an in-process inference (npm start): yuv420, converted there only where looked
     * at (half the bytes, no RGB conversion in ffmpeg; bench/ingest-capacity.ts), or rgb24 as before.
     */
    INGEST_PIXEL_FORMAT: z.enum(["yuv420", "rgb24"]).default("yuv420"),
    /**
     * The filter that scales frames to INGEST_FRAME_WIDTH: swscale (default, in every build), zscale (zimg), or
     * auto = zscale where this ffmpeg has it. zimg is cheaper (ingest keyframes-only 88–89 → 92 % of bare ffmpeg,
     * bench/ingest-capacity.ts) but reads 0.53 point fewer plates exactly (bench/ingest-scaler-plates.ts, 1879
     * crops: 93.7 → 93.2 %), past #20's 0.5 point rule: so not the default.
     */
    INGEST_SCALER: z.enum(["auto", "zscale", "swscale"]).default(DEFAULT_FRAME_SCALER),
    /** Seconds after start before a frame shard with no inference status at all counts as unconsumed. */
    INFERENCE_STATUS_GRACE_S: z.coerce.number().min(0).max(600).default(10),
    JPEG_QUALITY: z.coerce.number().int().min(30).max(100).default(80),
    FFMPEG_PATH: z.string().optional(),
    /** Follow the camera list the alert service keeps retained on {prefix}/config/cameras. */
    CAMERAS_FROM_MQTT: booleanFromEnv.default(true),
    /**
     * The alert service (http://alerts:8080): the MQTT list carries no credentials, so for cameras
     * that have some ingest fetches the full list from its internal route with INGEST_API_TOKEN.
     */
    ALERTS_URL: z.url({ protocol: /^https?$/, error: "must be the alert service's http(s):// URL" }).optional(),
    INGEST_API_TOKEN: z.string().min(32, "use at least 32 characters (the alert service's INGEST_API_TOKEN)").optional(),
    PATH: z.string().optional(),
    /**
     * Live view and event clips (#17): clips are written here beside the evidence JPEGs (the alert
     * service serves this directory at /media/). Unset: no stream copy at all (frames only).
     */
    MEDIA_DIR: z.string().min(1).optional(),
    /** Where each camera's last minute of video is kept for clips (default: the system temp dir). */
    CLIP_RING_DIR: z.string().min(1).optional(),
    /** Seconds of video kept per camera for clips (a clip needs 15 s; late alert requests need more). */
    CLIP_RING_S: z.coerce.number().int().min(20).max(600).default(60),
    /** Live viewers per camera; more get 429. */
    LIVE_MAX_VIEWERS: z.coerce.number().int().min(1).max(1000).default(16),
  })
  .loose()
  .superRefine((env, ctx) => {
    // The token alone is fine: it also guards ingest's own live-view and clip routes (the alert service calls them).
    if (!env.ALERTS_URL || env.INGEST_API_TOKEN) return;
    ctx.addIssue({ code: "custom", path: ["INGEST_API_TOKEN"], message: "ALERTS_URL needs INGEST_API_TOKEN (ingest fetches camera credentials from the alert service with the token)" });
  });

export type IngestEnv = z.output<typeof ingestEnvSchema>;

export function loadIngestEnv(source: Record<string, string | undefined> = process.env): IngestEnv {
  return parseEnv(ingestEnvSchema, source);
}
