import { z } from "zod";
import { isoTimestamp, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";

/** A payload a consumer rejected, with why; the original is kept (truncated) for inspection. */
export const deadLetterSchema = z.object({
  schemaVersion: schemaVersionField,
  id: z.uuid(),
  ts: isoTimestamp,
  sourceTopic: z.string(),
  consumer: z.string(),
  reason: z.string().max(4000),
  payload: z.string().max(65536),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const deadLetterMessage = {
  schema: deadLetterSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: false,
  topic: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/deadletter`,
};
