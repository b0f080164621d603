import { z } from "zod";
import { isoTimestamp, schemaVersionField, SCHEMA_VERSION, DEFAULT_TOPIC_PREFIX } from "./common.js";

export const serviceState = z.enum(["online", "offline"]);
export type ServiceState = z.infer<typeof serviceState>;

/**
 * Whether a worker consumes its frame shard. Inference publishes "online" on every (re)connect and
 * leaves "offline" as its MQTT last will, so the broker says so when the process or its host dies;
 * ingest reads it to tell "frames published" from "frames analysed".
 */
export const serviceStatusSchema = z
  .object({
    schemaVersion: schemaVersionField,
    service: z.literal("inference"),
    shard: z.number().int().min(0),
    shardCount: z.number().int().min(1),
    state: serviceState,
    ts: isoTimestamp,
    /** Which process said so (host and pid): tells a restarted worker from the one before it in logs. */
    instance: z.string().min(1).max(200).optional(),
  })
  .refine((s) => s.shard < s.shardCount, { path: ["shard"], message: "shard must be below shardCount" });
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

/** Retained on `{prefix}/services/inference/{shard}/status`, QoS 1. */
export const serviceStatusMessage = {
  schema: serviceStatusSchema,
  schemaVersion: SCHEMA_VERSION,
  qos: 1 as const,
  retain: true,
  topic: (shard: number, prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/services/inference/${shard}/status`,
  /** Wildcard subscription for every inference shard's status. */
  subscription: (prefix = DEFAULT_TOPIC_PREFIX) => `${prefix}/services/inference/+/status`,
};
