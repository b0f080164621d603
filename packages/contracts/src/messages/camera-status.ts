import { z } from "zod";
import { cameraId, isoTimestamp, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";

export const cameraState = z.enum(["online", "offline", "degraded"]);
export type CameraState = z.infer<typeof cameraState>;

/**
 * What is wrong with a camera, as a code the console words in the operator's language (`error` is
 * the English detail for logs and API clients).
 */
export const cameraErrorCode = z.enum([
  "starting",
  "ffmpeg_missing",
  "auth_failed",
  "forbidden",
  "stream_not_found",
  "connection_refused",
  "timeout",
  "unreachable",
  "dns_failed",
  "file_not_found",
  "permission_denied",
  "not_video",
  "interrupted",
  "stalled",
  "no_video",
  "stream_ended",
  "ffmpeg_failed",
  "low_frame_rate",
  "inference_behind",
  "no_inference",
]);
export type CameraErrorCode = z.infer<typeof cameraErrorCode>;

/** Retained on `{prefix}/cameras/{cameraId}/status`, QoS 1. */
export const cameraStatusSchema = z.object({
  schemaVersion: schemaVersionField,
  cameraId,
  state: cameraState,
  ts: isoTimestamp,
  fps: z.number().min(0),
  lastFrameTs: isoTimestamp.nullable(),
  error: z.string().max(2000).optional(),
  errorCode: cameraErrorCode.optional(),
  framesSampled: z.number().int().min(0).optional(),
  framesDropped: z.number().int().min(0).optional(),
  restarts: z.number().int().min(0).optional(),
});
export type CameraStatus = z.infer<typeof cameraStatusSchema>;

export const cameraStatusMessage = {
  schema: cameraStatusSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: true,
  topic: (cameraIdValue: string, prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/cameras/${cameraIdValue}/status`,
  /** Wildcard subscription for every camera's status. */
  subscription: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/cameras/+/status`,
};
