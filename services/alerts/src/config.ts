import type { AlertsEnv } from "./env.js";
import type { EscalationTimes } from "./alerting/alert-rules.js";
import type { BackoffPolicy } from "./webhooks/webhook-backoff.js";
import type { MapTilesOptions } from "./map/map-tiles.js";

/** The alert service's settings, as plain values (the composition root maps env → config). */
export interface AlertsConfig {
  host: string;
  port: number;
  mqttUrl: string;
  mqttClientId: string;
  topicPrefix: string;
  sharedSubscription: "auto" | "true" | "false";
  retentionDays: number;
  /** Evidence files of days older than this are deleted unless an alert refers to them (default: `retentionDays`). */
  mediaRetentionDays?: number;
  /** Audit rows older than this are removed, oldest first, with an anchor the chain then starts from (default 365). */
  auditRetentionDays?: number;
  /** The integrity self-check's interval; absent or 0: off. */
  integrityCheckIntervalMs?: number;
  /** The Ed25519 key that signs case exports (PKCS#8 PEM), generated here (0600) when absent; absent: exports unavailable. */
  exportSigningKeyFile?: string;
  sessionTtlMs: number;
  /** Bearer token for /metrics scrapers. */
  metricsToken?: string;
  /** Sessions unused this long end; absent: no idle timeout. */
  sessionIdleMs?: number;
  /** Failed logins per account per rolling hour before the account is locked out. */
  loginFailuresPerHour?: number;
  alertCooldownMs: number;
  cameraOfflineAlertMs: number;
  /**
   * How long an alert of each severity may stay unacknowledged before it is escalated (env: critical
   * 60 s, high 5 min). Absent: no escalation (test rigs that do not look at it).
   */
  escalationMs?: EscalationTimes;
  /** Outbound webhooks' retry policy and per-try timeout (defaults: 5 tries over ~10 min, 10 s). */
  webhooks?: { backoff?: Partial<BackoffPolicy>; timeoutMs?: number; pollMs?: number };
  fuzzyThreshold: number;
  fuzzySearchThreshold: number;
  batchMaxRows: number;
  batchMaxWaitMs: number;
  /** Batches written in parallel. */
  batchConcurrency?: number;
  /** An event's `ts` may be at most this far ahead of the server's clock (default 5 min). */
  eventClockSkewMs?: number;
  /** Readiness fails when pending plate reads have gone this long without a commit (default 30 s). */
  writerStallMs?: number;
  /**
   * Admit plate and fire events from cameras that are not registered. Never from the environment:
   * only test rigs that publish for made-up cameras set it.
   */
  acceptUnknownCameras?: boolean;
  loginRateLimitPerMin: number;
  cookieSecure: boolean;
  mediaDir: string;
  /** Where users reach the service; export links to evidence start with it (else the request's host). */
  publicBaseUrl?: string;
  /** Proxies whose X-Forwarded-* headers are believed (fastify `trustProxy`); absent: none. */
  trustProxy?: boolean | number | string[];
  /** Hard negatives from fire/smoke alerts resolved as false alarms (see feedback/fire-feedback-store.ts). */
  fireFeedbackDir: string;
  consoleDir: string | null;
  /** The first admin's password; generated (and logged once) when absent outside production. */
  adminPassword?: string;
  redisUrl?: string;
  /** Browser origins allowed on the socket besides the console's own host. */
  socketAllowedOrigins?: string[];
  /** Encrypts camera URLs with credentials at rest (AES-256-GCM, 32 bytes). Either this or `cameraSecretsKeyFile`. */
  cameraSecretsKey?: Buffer;
  /** Earlier keys: they still decrypt, and rows under them are re-encrypted with `cameraSecretsKey` on start. */
  cameraSecretsPreviousKeys?: Buffer[];
  /** Without `cameraSecretsKey`: the key is read from this file, or generated into it (0600) on first start. */
  cameraSecretsKeyFile?: string;
  /** Service token for ingest's GET /api/v1/internal/cameras; absent: the route does not exist. */
  ingestApiToken?: string;
  /** INGEST_URL: ingest's base URL(s), one per shard in order, for live view and event clips (with ingestApiToken). */
  ingestUrls?: string[];
  /** The console's street map: a tile server, a tiles file, or a directory to find one in (map/map-tiles.ts); absent: outlines only. */
  mapTiles?: MapTilesOptions;
}

export const DEFAULT_MQTT_URL = "mqtt://127.0.0.1:1883";

export function configFromEnv(env: AlertsEnv, hostname: string): AlertsConfig {
  return {
    host: env.HOST,
    port: env.PORT,
    mqttUrl: env.MQTT_URL ?? DEFAULT_MQTT_URL,
    // Stable per host and port, so a restarted instance resumes its persistent session.
    mqttClientId: `vigil-alerts-${hostname}-${env.PORT}`.slice(0, 64),
    topicPrefix: env.MQTT_TOPIC_PREFIX,
    sharedSubscription: env.MQTT_SHARED_SUBSCRIPTION,
    retentionDays: env.RETENTION_DAYS,
    mediaRetentionDays: env.MEDIA_RETENTION_DAYS ?? env.RETENTION_DAYS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    integrityCheckIntervalMs: env.INTEGRITY_CHECK_INTERVAL_H * 3_600_000,
    exportSigningKeyFile: env.EXPORT_SIGNING_KEY_FILE,
    sessionTtlMs: env.SESSION_TTL_H * 3_600_000,
    alertCooldownMs: env.ALERT_COOLDOWN_S * 1000,
    cameraOfflineAlertMs: env.CAMERA_OFFLINE_ALERT_S * 1000,
    escalationMs: { critical: env.ESCALATE_CRITICAL_S * 1000, high: env.ESCALATE_HIGH_S * 1000, medium: env.ESCALATE_MEDIUM_S * 1000, low: env.ESCALATE_LOW_S * 1000 },
    webhooks: { backoff: { attempts: env.WEBHOOK_ATTEMPTS, firstRetryMs: env.WEBHOOK_FIRST_RETRY_S * 1000 }, timeoutMs: env.WEBHOOK_TIMEOUT_S * 1000 },
    fuzzyThreshold: env.FUZZY_THRESHOLD,
    fuzzySearchThreshold: env.FUZZY_SEARCH_THRESHOLD,
    batchMaxRows: env.BATCH_MAX_ROWS,
    batchMaxWaitMs: env.BATCH_MAX_WAIT_MS,
    batchConcurrency: env.BATCH_CONCURRENCY,
    eventClockSkewMs: env.EVENT_CLOCK_SKEW_S * 1000,
    writerStallMs: env.WRITER_STALL_S * 1000,
    loginRateLimitPerMin: env.LOGIN_RATE_LIMIT_PER_MIN,
    cookieSecure: env.COOKIE_SECURE ?? env.NODE_ENV === "production",
    ...(env.SESSION_IDLE_MIN > 0 ? { sessionIdleMs: env.SESSION_IDLE_MIN * 60_000 } : {}),
    loginFailuresPerHour: env.LOGIN_FAILURES_PER_HOUR,
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    mediaDir: env.MEDIA_DIR,
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    ...(env.TRUST_PROXY !== undefined ? { trustProxy: env.TRUST_PROXY } : {}),
    fireFeedbackDir: env.FIRE_FEEDBACK_DIR,
    consoleDir: env.CONSOLE_DIR,
    ...(env.VIGIL_ADMIN_PASSWORD ? { adminPassword: env.VIGIL_ADMIN_PASSWORD } : {}),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.SOCKET_ALLOWED_ORIGINS.length ? { socketAllowedOrigins: env.SOCKET_ALLOWED_ORIGINS } : {}),
    ...(env.CAMERA_SECRETS_KEY ? { cameraSecretsKey: env.CAMERA_SECRETS_KEY } : { cameraSecretsKeyFile: env.CAMERA_SECRETS_KEY_FILE }),
    ...(env.CAMERA_SECRETS_KEY_PREVIOUS.length ? { cameraSecretsPreviousKeys: env.CAMERA_SECRETS_KEY_PREVIOUS } : {}),
    ...(env.INGEST_API_TOKEN ? { ingestApiToken: env.INGEST_API_TOKEN } : {}),
    ...(env.INGEST_URL.length ? { ingestUrls: env.INGEST_URL } : {}),
    mapTiles: {
      dir: env.MAP_DIR,
      ...(env.MAP_TILES_URL ? { url: env.MAP_TILES_URL } : {}),
      ...(env.MAP_TILES_FILE ? { file: env.MAP_TILES_FILE } : {}),
      ...(env.MAP_TILES_ATTRIBUTION ? { attribution: env.MAP_TILES_ATTRIBUTION } : {}),
    },
  };
}
