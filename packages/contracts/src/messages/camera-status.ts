import { z } from "zod";
import { cameraId, isoTimestamp, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";

export const cameraState = z.enum(["online", "offline", "degraded"]);
export type CameraState = z.infer<typeof cameraState>;

/** Retained on `{prefix}/cameras/{cameraId}/status`, QoS 1. */
export const cameraStatusSchema = z.object({
  schemaVersion: schemaVersionField,
  cameraId,
  state: cameraState,
  ts: isoTimestamp,
  fps: z.number().min(0),
  lastFrameTs: isoTimestamp.nullable(),
  error: z.string().max(2000).optional(),
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
