import { z } from "zod";
import { sha256Hex } from "./evidence-hash.js";
import { cameraId, isoTimestamp, normalisedBox, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";

export const fireKind = z.enum(["fire", "smoke"]);
export type FireKind = z.infer<typeof fireKind>;

export const fireBoxSchema = z.object({ bbox: normalisedBox, confidence: z.number().min(0).max(1) });
export type FireBox = z.infer<typeof fireBoxSchema>;

/** A confirmed fire or smoke; an ongoing one is re-published under the same `id`, never as a new event. */
export const fireEventSchema = z.object({
  schemaVersion: schemaVersionField,
  id: z.uuid(),
  cameraId,
  ts: isoTimestamp,
  kind: fireKind,
  confidence: z.number().min(0).max(1),
  boxes: z.array(fireBoxSchema).max(100),
  confirmedFrames: z.number().int().min(1).max(1_000_000),
  snapshot: z.string().max(500).optional(),
  /** SHA-256 of the snapshot / clip as written (see evidence-hash.ts). */
  snapshotSha256: sha256Hex.optional(),
  clipSha256: sha256Hex.optional(),
  revision: z.number().int().min(0).max(1_000_000).optional(),
  /**
   * Smoke only: true while it is smoke without flame that has not yet persisted and grown (a
   * lower-severity "possible smoke"); a later revision of the same id with false confirms it.
   */
  possible: z.boolean().optional(),
});
export type FireEvent = z.infer<typeof fireEventSchema>;

export const fireEventMessage = {
  schema: fireEventSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: false,
  topic: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/events/fire`,
};
