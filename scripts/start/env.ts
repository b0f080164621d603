import { z } from "zod";
import { commonEnvShape, parseEnv } from "@vigil/contracts/node";

/**
 * `npm start`'s own settings. Everything else in the environment is handed on, unchanged, to the
 * three services' env.ts loaders; this file only decides the embedded defaults.
 */
const startEnvSchema = z.object({
  ...commonEnvShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  INFERENCE_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  /** Port of the embedded broker (MQTT_URL unset); 0 = a free one. */
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  CAMERAS_FILE: z.string().optional(),
  /** Where the embedded database, evidence, outbox and demo videos live. */
  DATA_DIR: z.string().default("data"),
  MODELS_DIR: z.string().default("models/cache"),
  VIGIL_ADMIN_PASSWORD: z.string().min(1).optional(),
  /** The plate the demo puts on the watchlist (and into the demo video). */
  DEMO_WANTED_PLATE: z.string().default("51F-888.68"),
});
export type StartEnv = z.output<typeof startEnvSchema>;

export function loadStartEnv(source: Record<string, string | undefined> = process.env): { env: StartEnv; passThrough: Record<string, string | undefined> } {
  return { env: parseEnv(startEnvSchema, source), passThrough: { ...source } };
}
