import { pino, type Logger, type LoggerOptions } from "pino";

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const REDACT_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "res.headers['set-cookie']",
  "cookie",
  "*.cookie",
  "secret",
  "*.secret",
  "databaseUrl",
  "*.databaseUrl",
];

/**
 * Credentials inside any URL (`rtsp://user:pass@host`, `postgres://u:p@h`). Greedy up to the last '@'
 * before the path, so a raw '@' inside a password (`rtsp://admin:p@ss@host`) is masked too.
 */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^/\s"']+)@/gi;

export function redactCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, "$1***:***@");
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactCredentials(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { type: value.name, message: redactCredentials(value.message), stack: value.stack ? redactCredentials(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

export interface CreateLoggerOptions {
  name: string;
  level?: string;
  /** Where lines go; tests pass a stream to inspect them. */
  destination?: NodeJS.WritableStream;
}

/**
 * The one root logger of a service. Credential-bearing keys are removed by path, and every string
 * (messages, URLs, error texts) has URL credentials masked, so an RTSP password cannot leak by accident.
 */
export function createLogger({ name, level = "info", destination }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => scrub(a)) as Parameters<typeof method>;
        return method.apply(this, scrubbed);
      },
    },
    serializers: { err: (e: unknown) => scrub(e) },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

export type { Logger };
