import { z } from "zod";
import type { CameraConfig } from "./camera-config.js";
import { cameraId, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";
import { DEFAULT_FIRE_SENSITIVITY, fireSensitivity, fireZonesSchema } from "./fire-zones.js";

/**
 * The camera's fire/smoke controls, carried on each frame so inference needs no camera list of
 * its own and a PATCH takes effect with the next frame. Absent means no zones and "normal".
 */
export const frameFireControlsSchema = z.object({ zones: fireZonesSchema, sensitivity: fireSensitivity });
export type FrameFireControls = z.infer<typeof frameFireControlsSchema>;

/**
 * Header of a sampled frame handed from ingest to inference. In one process the pixels travel
 * by reference next to this header; across hosts they follow it in the same MQTT payload.
 */
export const frameHeaderSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  cameraId,
  seq: z.number().int().min(0),
  /** Capture time, epoch milliseconds. */
  captureTs: z.number().int().min(0),
  width: z.number().int().positive().max(8192),
  height: z.number().int().positive().max(8192),
  /** jpeg; rgb24 (packed RGB); yuv420 (Y, then U/V rows: messages/frame-pixels.ts). */
  format: z.enum(["jpeg", "rgb24", "yuv420"]),
  analytics: z.array(z.enum(["plates", "fire"])),
  fire: frameFireControlsSchema.optional(),
});
export type FrameHeader = z.infer<typeof frameHeaderSchema>;

/**
 * The `fire` header field for a camera: undefined when fire is not analysed or the controls are
 * the defaults (no zones, "normal"), which keeps the usual header small.
 */
export function frameFireControls(camera: Pick<CameraConfig, "analytics" | "fireZones" | "fireSensitivity">): FrameFireControls | undefined {
  if (!camera.analytics.includes("fire")) return undefined;
  const zones = camera.fireZones ?? [];
  const sensitivity = camera.fireSensitivity ?? DEFAULT_FIRE_SENSITIVITY;
  return zones.length === 0 && sensitivity === DEFAULT_FIRE_SENSITIVITY ? undefined : { zones, sensitivity };
}

/** A frame in memory: the header plus its bytes (JPEG, packed RGB24, or YUV 4:2:0 as frame-pixels.ts lays it out). */
export interface Frame extends FrameHeader {
  data: Buffer | Uint8Array;
}

export const frameMessage = {
  schema: frameHeaderSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 0 as const,
  retain: false,
  /** Frames of one camera always go to the same shard so per-camera tracking stays on one worker. */
  topic: (shard: number, prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/frames/${shard}`,
};

/** Stable camera → shard mapping (FNV-1a), used by ingest to route and by inference to subscribe. */
export function shardForCamera(id: string, shardCount: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % Math.max(1, shardCount);
}

/**
 * Where ingest hands sampled frames. In `npm start`'s single process this is the inference
 * pipeline itself (no copy); across hosts it is an MQTT publisher. `submit` resolves when the
 * frame has been taken (processed, or handed to the transport), which is how ingest knows that
 * inference has fallen behind: it keeps at most a few frames per camera waiting and drops the oldest.
 * `frame.data` is lent, not given: the sink may read it until `submit` settles, and must copy what
 * it keeps beyond that, because ingest then reuses the buffer for a later frame of the camera.
 */
export interface FrameSink {
  submit(frame: Frame): Promise<void>;
}
