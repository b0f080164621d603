import { z } from "zod";
import { cameraId, isoTimestamp } from "../messages/common.js";
import { sha256Hex } from "../messages/evidence-hash.js";
import { isMediaUrlPath } from "../messages/media-url.js";

/**
 * Live view and event clips (#17). Ingest owns the one connection to each camera; its ffmpeg writes
 * the camera's H.264, untouched, as fragmented MP4, which ingest fans out to live viewers and keeps
 * a short ring of on disk for clips. The alert service reaches both over ingest's internal HTTP
 * routes with the service token (INGEST_API_TOKEN): browsers never talk to ingest and never see a
 * camera URL.
 */

/** How much of the event a clip shows: from this long before the event time … */
export const CLIP_BEFORE_MS = 5_000;
/** … to this long after it. */
export const CLIP_AFTER_MS = 10_000;

/** Ingest: `GET` streams a camera as fragmented MP4 (`video/mp4`, chunked), init segment first. */
export const ingestLivePath = (id: string) => `/internal/v1/cameras/${encodeURIComponent(id)}/live`;
export const INGEST_LIVE_ROUTE = "/internal/v1/cameras/:id/live";
/** Ingest: `POST` a clip request; answered once the clip is written (about CLIP_AFTER_MS after `at`). */
export const INGEST_CLIPS_PATH = "/internal/v1/clips";
/**
 * The live stream's codec as RFC 6381 (`avc1.42c01f`), for MediaSource's `addSourceBuffer`; sent by
 * ingest and passed on by the alert service (`GET /api/v1/cameras/{id}/live`).
 */
export const LIVE_CODEC_HEADER = "x-vigil-codec";

export const liveParamsSchema = z.object({ id: cameraId });

export const clipRequestSchema = z
  .object({
    cameraId,
    /** The clip is written next to the event's evidence, as `<eventId>.mp4`. */
    eventId: z.uuid(),
    /** The event time; the clip covers [at − CLIP_BEFORE_MS, at + CLIP_AFTER_MS]. */
    at: isoTimestamp,
  })
  .strict();
export type ClipRequest = z.infer<typeof clipRequestSchema>;

export const clipResponseSchema = z.object({
  clip: z.string().refine(isMediaUrlPath, "a /media/ path"),
  clipSha256: sha256Hex,
  /** What the clip really covers (shorter than asked when the camera dropped or had just started). */
  from: isoTimestamp,
  to: isoTimestamp,
  durationS: z.number().min(0),
});
export type ClipResponse = z.infer<typeof clipResponseSchema>;

/** Why there is no clip: `not_here` (another ingest shard or an unknown camera), `disabled` (clips off), `no_video` (nothing recorded for that time), `failed` (writing it failed, e.g. a full disk). */
export const clipUnavailableSchema = z.object({
  error: z.enum(["not_here", "disabled", "no_video", "failed", "bad_request"]),
  message: z.string(),
});
export type ClipUnavailable = z.infer<typeof clipUnavailableSchema>;
