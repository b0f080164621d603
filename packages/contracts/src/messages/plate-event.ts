import { z } from "zod";
import { evidenceHashFields } from "./evidence-hash.js";
import { cameraId, isoTimestamp, normalisedBox, plateRows, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";

/**
 * One event per vehicle track, not per frame. A later, better reading of the same
 * track is published again under the same `id` with a higher `revision`.
 */
export const plateEventSchema = z.object({
  schemaVersion: schemaVersionField,
  id: z.uuid(),
  cameraId,
  ts: isoTimestamp,
  plate: z.string().regex(/^[A-Z0-9]{4,12}$/, "plate must be the alphanumeric key, e.g. 51F12345"),
  display: z.string().min(4).max(20),
  rows: plateRows,
  confidence: z.number().min(0).max(1),
  bbox: normalisedBox,
  frames: z.number().int().min(1).max(1_000_000),
  snapshot: z.string().max(500).optional(),
  crop: z.string().max(500).optional(),
  /** SHA-256 of the snapshot / crop / clip as written (see evidence-hash.ts). */
  ...evidenceHashFields,
  revision: z.number().int().min(0).max(1_000_000).optional(),
  charConfidences: z.array(z.number().min(0).max(1)).optional(),
});
export type PlateEvent = z.infer<typeof plateEventSchema>;

export const plateEventMessage = {
  schema: plateEventSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: false,
  topic: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/events/plate`,
};

