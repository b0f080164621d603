import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatPlate } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { startAlerts, createPgDatabase, type AlertsConfig, type AlertsService, type Database, type StartAlertsDeps } from "@vigil/alerts";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";
import { TEST_MQTT_URL, uniqueTopicPrefix } from "./support/mqtt.js";

export const ADMIN_PASSWORD = "test-admin-password-1";
/** One fixed key for every test instance: instances sharing a database (scale-out) read each other's rows. */
export const TEST_CAMERA_SECRETS_KEY = Buffer.alloc(32, 0x5a);

export interface AlertsHarness {
  service: AlertsService;
  db: Database;
  testDb: TestDatabase;
  prefix: string;
  config: AlertsConfig;
  base: string;
  close(): Promise<void>;
}

/** What the test services accept as a Prometheus scraper's bearer token on /metrics. */
export const METRICS_TOKEN = "test-metrics-token-0123456789";

export function testAlertsConfig(prefix: string, overrides: Partial<AlertsConfig> = {}): AlertsConfig {
  return {
    host: "127.0.0.1",
    port: 0,
    mqttUrl: TEST_MQTT_URL,
    mqttClientId: `vigil-alerts-test-${randomBytes(4).toString("hex")}`,
    topicPrefix: prefix,
    sharedSubscription: "auto",
    retentionDays: 90,
    sessionTtlMs: 3_600_000,
    alertCooldownMs: 300_000,
    cameraOfflineAlertMs: 60_000,
    fuzzyThreshold: 0.92,
    metricsToken: METRICS_TOKEN,
    fuzzySearchThreshold: 0.8,
    batchMaxRows: 500,
    batchMaxWaitMs: 10,
    loginRateLimitPerMin: 1000,
    cookieSecure: false,
    mediaDir: mkdtempSync(join(tmpdir(), "vigil-media-")),
    fireFeedbackDir: mkdtempSync(join(tmpdir(), "vigil-fire-feedback-")),
    consoleDir: null,
    adminPassword: ADMIN_PASSWORD,
    // Most tests publish for cameras they never register; the event-path security tests turn this off.
    acceptUnknownCameras: true,
    cameraSecretsKey: TEST_CAMERA_SECRETS_KEY,
    // Case exports are signed with a key of this test instance's own (#19).
    exportSigningKeyFile: join(mkdtempSync(join(tmpdir(), "vigil-export-key-")), "export-signing.key"),
    ...overrides,
  };
}

/** A running alert service on a fresh database and a unique topic prefix of the real broker. */
export async function startAlertsHarness(
  label: string,
  overrides: Partial<AlertsConfig> = {},
  extra: Partial<StartAlertsDeps> = {},
  /** Rewrites the database URL the service uses (e.g. through a TCP proxy the test controls). */
  serviceDbUrl: (url: string) => string = (u) => u,
): Promise<AlertsHarness> {
  const testDb = await createTestDatabase(label);
  const db = createPgDatabase(serviceDbUrl(testDb.url));
  const prefix = uniqueTopicPrefix(label);
  const config = testAlertsConfig(prefix, overrides);
  const logger = createLogger({ name: "alerts-test", level: process.env.VIGIL_TEST_LOG ?? "silent" });
  const service = await startAlerts({ config, logger, db, ...extra });
  return {
    service,
    db,
    testDb,
    prefix,
    config,
    base: service.url,
    async close() {
      await service.close();
      await db.close();
      await testDb.drop();
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client: bearer token or cookie (+ CSRF) auth. */
export async function api<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  base: string,
  method: string,
  path: string,
  opts: { token?: string; cookie?: string; csrf?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf) headers["x-csrf-token"] = opts.csrf;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (metrics, HTML)
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export async function login(base: string, username: string, password: string): Promise<{ token: string; csrf: string; cookie: string }> {
  const res = await api<{ token: string; csrfToken: string }>(base, "POST", "/api/v1/auth/login", { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { token: res.body.token, csrf: res.body.csrfToken, cookie: setCookie.split(";")[0] ?? "" };
}

/** A valid plate event; a `plate` given without a `display` gets its formatted display (the service checks they agree). */
export function plateEvent(overrides: Record<string, unknown> = {}) {
  const display = typeof overrides.plate === "string" && overrides.display === undefined ? { display: formatPlate(overrides.plate) } : {};
  return {
    schemaVersion: 1,
    id: crypto.randomUUID(),
    cameraId: "cam-1",
    ts: new Date().toISOString(),
    plate: "51F12345",
    display: "51F-123.45",
    rows: 1,
    confidence: 0.93,
    bbox: [0.1, 0.2, 0.1, 0.05],
    frames: 5,
    ...overrides,
    ...display,
  };
}

export function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (await check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 50);
    };
    void tick();
  });
}
