import { z } from "zod";
import { XYZ_TEMPLATE } from "@vigil/contracts";
import { booleanFromEnv, commonEnvShape, parseEnv } from "@vigil/contracts/node";
import { decodeSecretsKey } from "./cameras/camera-secrets.js";

/** Passwords that must never guard a production deployment. */
export const DEFAULT_ADMIN_PASSWORDS = new Set(["admin", "password", "changeme", "vigil", "vigil-admin"]);

/**
 * Where fire/smoke alerts resolved as false alarms keep their evidence frame (hard negatives for the
 * fire model's training). One definition for the service and for `npm run fire:feedback`.
 */
const fireFeedbackShape = { FIRE_FEEDBACK_DIR: z.string().default("data/fire-feedback") };

const secretsKey = z
  .string()
  .transform((v, ctx) => decodeSecretsKey(v) ?? (ctx.addIssue({ code: "custom", message: "must be 32 random bytes, base64 (openssl rand -base64 32)" }), z.NEVER));

const alertsEnvSchema = z
  .object({
    ...commonEnvShape,
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default("127.0.0.1"),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
    PGLITE_DIR: z.string().default("data/pglite"),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").optional(),
    /** Comma-separated browser origins (https://ops.example.vn) allowed to open the socket besides the console's own host. */
    SOCKET_ALLOWED_ORIGINS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.url("each SOCKET_ALLOWED_ORIGINS entry must be an origin such as https://ops.example.vn"))),
    MEDIA_DIR: z.string().default("media"),
    /** Where users reach the console (https://ops.example.vn, or with a path behind a proxy): exports link evidence under it. */
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://ops.example.vn" }).optional(),
    /**
     * Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (client IP in the audit log, export
     * links without PUBLIC_BASE_URL): "true" (any), a hop count, or comma-separated addresses/CIDRs.
     * Default: none — a client could otherwise forge its address.
     */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v): boolean | number | string[] | undefined => {
        const s = v?.trim();
        if (!s || s === "false") return undefined;
        if (s === "true") return true;
        if (/^\d+$/.test(s)) return Number(s);
        return s.split(",").map((p) => p.trim()).filter(Boolean);
      }),
    ...fireFeedbackShape,
    CAMERAS_FILE: z.string().optional(),
    CONSOLE_DIR: z.string().default("web-console/dist"),
    VIGIL_ADMIN_PASSWORD: z.string().min(1).optional(),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /**
     * Evidence files (snapshots, crops, clips) of days older than this are deleted, except those an
     * existing alert refers to (a case keeps its evidence). Default: RETENTION_DAYS.
     */
    MEDIA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
    /** Audit rows are kept longer than plate reads: who looked at whose data stays accountable after the data is gone. */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(365),
    /** The integrity self-check (audit chain, evidence hashes) runs this often, incremental (a full check daily); 0: off. */
    INTEGRITY_CHECK_INTERVAL_H: z.coerce.number().min(0).max(24 * 7).default(6),
    /** Ed25519 private key (PKCS#8 PEM) that signs case exports; generated into this file (0600) when absent. */
    EXPORT_SIGNING_KEY_FILE: z.string().default("data/export-signing.key"),
    SESSION_TTL_H: z.coerce.number().positive().max(24 * 30).default(12),
    ALERT_COOLDOWN_S: z.coerce.number().min(0).max(86_400).default(300),
    CAMERA_OFFLINE_ALERT_S: z.coerce.number().min(1).max(86_400).default(60),
    /** An alert nobody acknowledged this long goes up to the supervisors (escalation); 0: never, for that severity. */
    ESCALATE_CRITICAL_S: z.coerce.number().min(0).max(86_400).default(60),
    ESCALATE_HIGH_S: z.coerce.number().min(0).max(86_400).default(300),
    ESCALATE_MEDIUM_S: z.coerce.number().min(0).max(86_400).default(0),
    ESCALATE_LOW_S: z.coerce.number().min(0).max(86_400).default(0),
    /** Outbound webhooks: tries per delivery (the first included), the wait before the second (doubling after), one try's timeout. */
    WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    WEBHOOK_FIRST_RETRY_S: z.coerce.number().min(0.1).max(3_600).default(40),
    WEBHOOK_TIMEOUT_S: z.coerce.number().min(1).max(120).default(10),
    /** Watchlist near-match threshold (the plate module's default: look-alikes only, never a real different character). */
    FUZZY_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.92),
    /** Fuzzy plate search is for investigators: looser, it also finds one genuinely misread character. */
    FUZZY_SEARCH_THRESHOLD: z.coerce.number().min(0.3).max(1).default(0.8),
    BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(10_000).default(2000),
    BATCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(5_000).default(20),
    BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    /** How far ahead of this server's clock an event's `ts` may be; later (and older than retention) is dead-lettered. */
    EVENT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(86_400).default(300),
    /** /readyz fails when plate reads have waited this long without anything being stored. */
    WRITER_STALL_S: z.coerce.number().int().min(1).max(3_600).default(30),
    /** "auto" uses `$share/vigil-alerts/…` when the broker speaks MQTT 5. */
    MQTT_SHARED_SUBSCRIPTION: z.enum(["auto", "true", "false"]).default("auto"),
    LOGIN_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).max(10_000).default(20),
    /** Prometheus's bearer token for /metrics (which otherwise needs an admin session). */
    METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
    /** Default: on when NODE_ENV=production (HTTPS in front), off otherwise. */
    COOKIE_SECURE: booleanFromEnv.optional(),
    /** A session unused this long ends (an open console counts as use: its socket re-checks every 30 s). 0: no idle timeout. */
    SESSION_IDLE_MIN: z.coerce.number().min(0).max(24 * 60).default(30),
    /** Failed logins per account per rolling hour before it is locked out (ASVS 2.2.1: at most 100). */
    LOGIN_FAILURES_PER_HOUR: z.coerce.number().int().min(1).max(100).default(100),
    /** AES-256-GCM key for camera URLs with credentials in the database. Required in production. */
    CAMERA_SECRETS_KEY: secretsKey.optional(),
    /** Comma-separated earlier keys (rotation): they still decrypt; rows under them are re-encrypted on start. */
    CAMERA_SECRETS_KEY_PREVIOUS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(secretsKey)),
    /** Outside production, without CAMERA_SECRETS_KEY: the key is kept in (or first generated into) this file, mode 0600. */
    CAMERA_SECRETS_KEY_FILE: z.string().default("data/camera-secrets.key"),
    /** Shared with ingest: it fetches the camera list with credentials from GET /api/v1/internal/cameras with this token. */
    INGEST_API_TOKEN: z.string().min(32, "use at least 32 characters (openssl rand -hex 32)").optional(),
    /**
     * Ingest's address (http://ingest:8082), for live view and event clips over its internal routes with
     * INGEST_API_TOKEN; with several ingest shards, their URLs comma-separated in shard order.
     */
    INGEST_URL: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.url({ protocol: /^https?$/, error: "must be ingest's http(s):// URL" }))),
    /** A raster XYZ tile server for the console's street map, e.g. https://tiles.ops.example.vn/{z}/{x}/{y}.png. */
    MAP_TILES_URL: z.string().regex(XYZ_TEMPLATE, "must be an XYZ template such as https://tiles.example.vn/{z}/{x}/{y}.png").regex(/^https?:\/\//, "must be an http(s) URL").optional(),
    /** A raster MBTiles file the alert service serves at /tiles/{z}/{x}/{y}.png (README, "Street map"). */
    MAP_TILES_FILE: z.string().min(1).optional(),
    /** Without MAP_TILES_URL or MAP_TILES_FILE, the first *.mbtiles here is the street map (npm start: $DATA_DIR/map). */
    MAP_DIR: z.string().default("data/map"),
    /** The tiles' credit shown on the map (plain text), over the file's own; OpenStreetMap's is always added. */
    MAP_TILES_ATTRIBUTION: z.string().max(300).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.MAP_TILES_URL && env.MAP_TILES_FILE) ctx.addIssue({ code: "custom", path: ["MAP_TILES_FILE"], message: "set MAP_TILES_URL or MAP_TILES_FILE, not both" });
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (!env.CAMERA_SECRETS_KEY) {
      ctx.addIssue({ code: "custom", path: ["CAMERA_SECRETS_KEY"], message: "required in production (encrypts camera credentials in the database; openssl rand -base64 32)" });
    }
    if (!env.VIGIL_ADMIN_PASSWORD) {
      ctx.addIssue({ code: "custom", path: ["VIGIL_ADMIN_PASSWORD"], message: "required in production (the first admin's password)" });
    } else if (DEFAULT_ADMIN_PASSWORDS.has(env.VIGIL_ADMIN_PASSWORD) || env.VIGIL_ADMIN_PASSWORD.length < 10) {
      ctx.addIssue({ code: "custom", path: ["VIGIL_ADMIN_PASSWORD"], message: "a default or short (< 10 chars) password is not allowed in production" });
    }
  });

export type AlertsEnv = z.output<typeof alertsEnvSchema>;

export function loadAlertsEnv(source: Record<string, string | undefined> = process.env): AlertsEnv {
  return parseEnv(alertsEnvSchema, source);
}

/** Where the database and the evidence are, for `npm run verify` (which needs nothing else of the service's settings). */
export function loadIntegrityEnv(source: Record<string, string | undefined> = process.env) {
  const shape = alertsEnvSchema.shape;
  return parseEnv(z.object({ DATABASE_URL: shape.DATABASE_URL, PGLITE_DIR: shape.PGLITE_DIR, MEDIA_DIR: shape.MEDIA_DIR }), source);
}

/** Just the feedback directory, for the `fire:feedback` lister (which needs no admin password or database). */
export function loadFireFeedbackEnv(source: Record<string, string | undefined> = process.env): { FIRE_FEEDBACK_DIR: string } {
  return parseEnv(z.object(fireFeedbackShape), source);
}
