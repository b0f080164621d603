import type { AlertsEnv } from "./env.js";

/** The alert service's settings, as plain values (the composition root maps env → config). */
export interface AlertsConfig {
  host: string;
  port: number;
  mqttUrl: string;
  mqttClientId: string;
  topicPrefix: string;
  sharedSubscription: "auto" | "true" | "false";
  retentionDays: number;
  sessionTtlMs: number;
  /** Bearer token for /metrics scrapers. */
  metricsToken?: string;
  /** Sessions unused this long end; absent: no idle timeout. */
  sessionIdleMs?: number;
  /** Failed logins per account per rolling hour before the account is locked out. */
  loginFailuresPerHour?: number;
  alertCooldownMs: number;
  cameraOfflineAlertMs: number;
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
    sessionTtlMs: env.SESSION_TTL_H * 3_600_000,
    alertCooldownMs: env.ALERT_COOLDOWN_S * 1000,
    cameraOfflineAlertMs: env.CAMERA_OFFLINE_ALERT_S * 1000,
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
    fireFeedbackDir: env.FIRE_FEEDBACK_DIR,
    consoleDir: env.CONSOLE_DIR,
    ...(env.VIGIL_ADMIN_PASSWORD ? { adminPassword: env.VIGIL_ADMIN_PASSWORD } : {}),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.SOCKET_ALLOWED_ORIGINS.length ? { socketAllowedOrigins: env.SOCKET_ALLOWED_ORIGINS } : {}),
    ...(env.CAMERA_SECRETS_KEY ? { cameraSecretsKey: env.CAMERA_SECRETS_KEY } : { cameraSecretsKeyFile: env.CAMERA_SECRETS_KEY_FILE }),
    ...(env.CAMERA_SECRETS_KEY_PREVIOUS.length ? { cameraSecretsPreviousKeys: env.CAMERA_SECRETS_KEY_PREVIOUS } : {}),
    ...(env.INGEST_API_TOKEN ? { ingestApiToken: env.INGEST_API_TOKEN } : {}),
  };
}
