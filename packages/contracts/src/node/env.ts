import { z } from "zod";

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/**
 * Parses an environment against a service's schema and reports every problem at once
 * (not just the first), naming each variable. `env.ts` of each service is the only caller.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.output<S> {
  // Empty strings mean "unset" for env vars, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`);
  throw new EnvError(problems);
}

export interface EnvExitIo {
  /** Defaults to `console.error`. */
  writeError?: (text: string) => void;
  /** Defaults to `process.exit`. */
  exit?: (code: number) => never;
}

/**
 * Runs a service's env loader at start-up; on an `EnvError` prints every problem and exits 1, as
 * there is no logger yet and nothing to clean up. Any other error is rethrown for `main` to handle.
 */
export function loadEnvOrExit<T>(load: () => T, io: EnvExitIo = {}): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    (io.writeError ?? console.error)(err.message);
    return (io.exit ?? process.exit)(1);
  }
}

/** Common variables every service shares (SPEC "Configuration"). */
export const commonEnvShape = {
  MQTT_URL: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, "must be an mqtt://, mqtts://, ws:// or wss:// URL").optional(),
  MQTT_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9_/-]+$/).default("vigil"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
};

export const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
