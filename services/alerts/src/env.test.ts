import { describe, expect, it } from "vitest";
import { EnvError } from "@vigil/contracts/node";
import { loadAlertsEnv } from "./env.js";
import { configFromEnv } from "./config.js";

/** A production environment with every required secret (each test varies one thing). */
const CAMERA_SECRETS_KEY = Buffer.alloc(32, 3).toString("base64");
const PROD = { NODE_ENV: "production", VIGIL_ADMIN_PASSWORD: "a-long-production-secret", CAMERA_SECRETS_KEY };

describe("alert service configuration", () => {
  it("has working defaults outside production", () => {
    const env = loadAlertsEnv({});
    expect(env).toMatchObject({ PORT: 8080, MQTT_TOPIC_PREFIX: "vigil", RETENTION_DAYS: 90, SESSION_TTL_H: 12, ALERT_COOLDOWN_S: 300, CAMERA_OFFLINE_ALERT_S: 60 });
    const config = configFromEnv(env, "host-1");
    expect(config.mqttUrl).toBe("mqtt://127.0.0.1:1883");
    expect(config.mqttClientId).toBe("vigil-alerts-host-1-8080");
    expect(config.adminPassword).toBeUndefined();
  });

  it.each([
    [{ NODE_ENV: "production" }, /VIGIL_ADMIN_PASSWORD: required in production/],
    [{ NODE_ENV: "production", VIGIL_ADMIN_PASSWORD: "admin" }, /VIGIL_ADMIN_PASSWORD: a default or short/],
    [{ NODE_ENV: "production", VIGIL_ADMIN_PASSWORD: "short" }, /VIGIL_ADMIN_PASSWORD/],
  ])("refuses to start in production with %j", (env, message) => {
    expect(() => loadAlertsEnv(env)).toThrow(message);
  });

  it("sends Secure cookies by default in production only, has a 30 min idle timeout and a 100-failure account limit", () => {
    expect(configFromEnv(loadAlertsEnv({}), "h")).toMatchObject({ cookieSecure: false, sessionIdleMs: 1_800_000, loginFailuresPerHour: 100 });
    const prod = configFromEnv(loadAlertsEnv(PROD), "h");
    expect(prod.cookieSecure).toBe(true);
    expect(configFromEnv(loadAlertsEnv({ ...PROD, COOKIE_SECURE: "false" }), "h").cookieSecure).toBe(false);
    expect(configFromEnv(loadAlertsEnv({ SESSION_IDLE_MIN: "0" }), "h").sessionIdleMs).toBeUndefined();
    expect(() => loadAlertsEnv({ LOGIN_FAILURES_PER_HOUR: "500" })).toThrow(/LOGIN_FAILURES_PER_HOUR/);
  });

  it("bounds event times by a clock skew (default 5 min) and readiness by a writer stall (default 30 s)", () => {
    expect(configFromEnv(loadAlertsEnv({}), "h")).toMatchObject({ eventClockSkewMs: 300_000, writerStallMs: 30_000 });
    expect(configFromEnv(loadAlertsEnv({ EVENT_CLOCK_SKEW_S: "10", WRITER_STALL_S: "5" }), "h")).toMatchObject({ eventClockSkewMs: 10_000, writerStallMs: 5_000 });
    expect(configFromEnv(loadAlertsEnv({}), "h").acceptUnknownCameras).toBeUndefined();
    expect(() => loadAlertsEnv({ EVENT_CLOCK_SKEW_S: "-1" })).toThrow(/EVENT_CLOCK_SKEW_S/);
  });

  it("keeps evidence files as long as plate reads unless MEDIA_RETENTION_DAYS says otherwise", () => {
    expect(configFromEnv(loadAlertsEnv({}), "h")).toMatchObject({ retentionDays: 90, mediaRetentionDays: 90 });
    expect(configFromEnv(loadAlertsEnv({ RETENTION_DAYS: "30" }), "h").mediaRetentionDays).toBe(30);
    expect(configFromEnv(loadAlertsEnv({ RETENTION_DAYS: "30", MEDIA_RETENTION_DAYS: "7" }), "h")).toMatchObject({ retentionDays: 30, mediaRetentionDays: 7 });
    expect(() => loadAlertsEnv({ MEDIA_RETENTION_DAYS: "0" })).toThrow(/MEDIA_RETENTION_DAYS/);
  });

  it("accepts a strong production password", () => {
    expect(loadAlertsEnv({ ...PROD, VIGIL_ADMIN_PASSWORD: "a-long-unique-secret" }).VIGIL_ADMIN_PASSWORD).toBe("a-long-unique-secret");
  });

  it("encrypts camera credentials with CAMERA_SECRETS_KEY: required in production, a key file otherwise", () => {
    expect(() => loadAlertsEnv({ ...PROD, CAMERA_SECRETS_KEY: undefined })).toThrow(/CAMERA_SECRETS_KEY: required in production/);
    expect(() => loadAlertsEnv({ CAMERA_SECRETS_KEY: "c2hvcnQ=" })).toThrow(/CAMERA_SECRETS_KEY: must be 32 random bytes/);
    expect(() => loadAlertsEnv({ CAMERA_SECRETS_KEY_PREVIOUS: `${CAMERA_SECRETS_KEY},nope` })).toThrow(/CAMERA_SECRETS_KEY_PREVIOUS/);
    const prod = configFromEnv(loadAlertsEnv({ ...PROD, CAMERA_SECRETS_KEY_PREVIOUS: Buffer.alloc(32, 4).toString("base64") }), "h");
    expect(prod.cameraSecretsKey).toEqual(Buffer.alloc(32, 3));
    expect(prod.cameraSecretsPreviousKeys).toEqual([Buffer.alloc(32, 4)]);
    expect(prod.cameraSecretsKeyFile).toBeUndefined();
    const dev = configFromEnv(loadAlertsEnv({}), "h");
    expect(dev.cameraSecretsKey).toBeUndefined();
    expect(dev.cameraSecretsKeyFile).toBe("data/camera-secrets.key");
  });

  it("takes INGEST_API_TOKEN for the internal camera route (long enough to resist guessing)", () => {
    expect(configFromEnv(loadAlertsEnv({}), "h").ingestApiToken).toBeUndefined();
    expect(configFromEnv(loadAlertsEnv({ INGEST_API_TOKEN: "t".repeat(32) }), "h").ingestApiToken).toBe("t".repeat(32));
    expect(() => loadAlertsEnv({ INGEST_API_TOKEN: "short" })).toThrow(/INGEST_API_TOKEN/);
  });

  it("finds the street map in MAP_DIR by default, or takes one tile server or one file", () => {
    expect(configFromEnv(loadAlertsEnv({}), "h").mapTiles).toEqual({ dir: "data/map" });
    const url = "https://tiles.ops.example.vn/{z}/{x}/{y}.png";
    expect(configFromEnv(loadAlertsEnv({ MAP_TILES_URL: url, MAP_TILES_ATTRIBUTION: "Sở TN&MT" }), "h").mapTiles).toEqual({ dir: "data/map", url, attribution: "Sở TN&MT" });
    expect(configFromEnv(loadAlertsEnv({ MAP_TILES_FILE: "/srv/map/hcmc.mbtiles" }), "h").mapTiles).toMatchObject({ file: "/srv/map/hcmc.mbtiles" });
    for (const bad of ["https://tiles.example.vn/map.png", "/tiles/{z}/{x}/{y}.png", "//evil.example/{z}/{x}/{y}.png", "javascript:{z}{x}{y}"]) {
      expect(() => loadAlertsEnv({ MAP_TILES_URL: bad }), bad).toThrow(/MAP_TILES_URL/);
    }
    expect(() => loadAlertsEnv({ MAP_TILES_URL: url, MAP_TILES_FILE: "x.mbtiles" })).toThrow(/not both/);
  });

  it("lists every problem at once", () => {
    try {
      loadAlertsEnv({ PORT: "99999", DATABASE_URL: "mysql://x", RETENTION_DAYS: "0", MQTT_URL: "http://broker" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const problems = (err as EnvError).problems.join("\n");
      for (const v of ["PORT", "DATABASE_URL", "RETENTION_DAYS", "MQTT_URL"]) expect(problems).toContain(v);
    }
  });
});
