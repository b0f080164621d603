import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// No Docker engine runs here, so the production compose file is checked structurally.
const root = new URL("../", import.meta.url);
const compose = parse(readFileSync(new URL("docker-compose.yml", root), "utf8"), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; healthcheck?: { test: unknown }; restart?: string; command?: string[]; environment?: Record<string, string>; volumes?: string[] }>;
  volumes: Record<string, unknown>;
};

describe("docker-compose.yml", () => {
  it("runs TimescaleDB, Mosquitto and the three services", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["alerts", "inference", "ingest", "mosquitto", "timescaledb"]);
    expect(compose.services.timescaledb!.image).toMatch(/^timescale\/timescaledb/);
    expect(compose.services.mosquitto!.image).toMatch(/^eclipse-mosquitto:2/);
  });

  it("gives every service a health check and a restart policy", () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      expect(svc.healthcheck?.test, `${name} healthcheck`).toBeTruthy();
      expect(svc.restart, `${name} restart`).toBe("unless-stopped");
    }
  });

  it("builds the services from the repo's one Dockerfile and starts each with its npm script", () => {
    for (const name of ["alerts", "inference", "ingest"]) {
      const svc = compose.services[name]!;
      expect(svc.build).toBe(".");
      expect(svc.command).toEqual(["npm", "run", `start:${name}`]);
      expect(svc.environment?.DATABASE_URL).toMatch(/timescaledb:5432/);
      // Each service its own broker account (deploy/mosquitto/acl; test/broker-acl.test.ts).
      expect(svc.environment?.MQTT_URL).toMatch(new RegExp(`^mqtt://vigil-${name}:.+@mosquitto:1883$`));
    }
    const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { scripts: Record<string, string> };
    for (const name of ["alerts", "inference", "ingest"]) expect(pkg.scripts[`start:${name}`]).toBeTruthy();
    expect(readFileSync(new URL("Dockerfile", root), "utf8")).toMatch(/AS runtime/);
  });

  it("keeps camera credentials off the bus and encrypted: a secrets key on alerts, ingest fetching them with a service token", () => {
    const alerts = compose.services.alerts!.environment!;
    const ingest = compose.services.ingest!.environment!;
    expect(alerts.CAMERA_SECRETS_KEY).toMatch(/CAMERA_SECRETS_KEY:\?/);
    expect(alerts.INGEST_API_TOKEN).toMatch(/INGEST_API_TOKEN:\?/);
    expect(ingest.INGEST_API_TOKEN).toBe(alerts.INGEST_API_TOKEN);
    expect(ingest.ALERTS_URL).toBe("http://alerts:8080");
    expect(alerts.HOST).toBe("0.0.0.0");
  });

    it("keeps data in named volumes", () => {
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(["pgdata", "media"]));
  });

  it("never lets anonymous clients onto the broker", () => {
    const conf = readFileSync(new URL("deploy/mosquitto/mosquitto.conf", root), "utf8");
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^password_file /m);
    expect(conf).toMatch(/^acl_file /m);
    expect(conf).not.toMatch(/^allow_anonymous true/m);
  });
});
