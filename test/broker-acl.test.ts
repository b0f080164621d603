import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cameraStatusMessage, deadLetterMessage, fireEventMessage, frameMessage, plateEventMessage, serviceStatusMessage, alertMessage } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { uniqueTopicPrefix } from "./support/mqtt.js";
import { getFreePort } from "./support/ports.js";

// Issue 15, finding 2 (least privilege on the broker): a real Mosquitto runs with the production ACL
// (deploy/mosquitto/acl, its "vigil/" prefix replaced by this test's) and one account per service, and
// each account can do exactly what its service needs. Then the real alert service runs on its account.
const prefix = uniqueTopicPrefix("acl");
const passwords = { "vigil-ingest": "ingest-secret-1", "vigil-inference": "inference-secret-1", "vigil-alerts": "alerts-secret-1", "vigil-spy": "spy-secret-1" } as const;
type Account = keyof typeof passwords;
let dir = "";
let broker: ChildProcess;
let url = "";
const clients: MqttClient[] = [];

async function connect(user?: Account): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId: `acl-${user ?? "anon"}-${randomBytes(3).toString("hex")}`, reconnectPeriod: 0, connectTimeout: 3000, ...(user ? { username: user, password: passwords[user] } : {}) });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vigil-acl-"));
  const acl = readFileSync(new URL("../deploy/mosquitto/acl", import.meta.url), "utf8").replaceAll("vigil/", `${prefix}/`);
  // The spy (this test only) reads everything under the prefix, to see what got through.
  writeFileSync(join(dir, "acl"), `${acl}\nuser vigil-spy\ntopic read ${prefix}/#\n`);
  writeFileSync(join(dir, "passwd"), "");
  for (const [user, pw] of Object.entries(passwords)) {
    const r = spawnSync("mosquitto_passwd", ["-b", join(dir, "passwd"), user, pw]);
    expect(r.status, r.stderr.toString()).toBe(0);
  }
  const port = await getFreePort();
  writeFileSync(join(dir, "mosquitto.conf"), [`listener ${port} 127.0.0.1`, "user root", "allow_anonymous false", `password_file ${join(dir, "passwd")}`, `acl_file ${join(dir, "acl")}`, "persistence false", ""].join("\n"));
  broker = spawn("mosquitto", ["-c", join(dir, "mosquitto.conf")], { stdio: "ignore" });
  url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try {
      (await connect("vigil-spy")).end(true);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  broker?.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("broker ACL (deploy/mosquitto/acl)", () => {
  it("refuses anonymous clients and wrong passwords", async () => {
    await expect(connect()).rejects.toThrow(/Not authorized|Bad username/i);
    await expect(mqtt.connectAsync(url, { username: "vigil-alerts", password: "wrong", reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow();
  });

  it("lets each service publish only its own topics", async () => {
    const spy = await connect("vigil-spy");
    const seen: string[] = [];
    spy.on("message", (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await spy.subscribeAsync(`${prefix}/#`, { qos: 1 });
    const topics = {
      status: cameraStatusMessage.topic("cam-1", prefix),
      frames: frameMessage.topic(0, prefix),
      plate: plateEventMessage.topic(prefix),
      fire: fireEventMessage.topic(prefix),
      presence: serviceStatusMessage.topic(0, prefix),
      alerts: alertMessage.topic(prefix),
      deadletter: deadLetterMessage.topic(prefix),
      config: `${prefix}/config/cameras`,
    };
    const allowed: Record<Exclude<Account, "vigil-spy">, (keyof typeof topics)[]> = {
      "vigil-ingest": ["status", "frames"],
      "vigil-inference": ["plate", "fire", "presence"],
      "vigil-alerts": ["alerts", "deadletter", "config"],
    };
    for (const [user, mine] of Object.entries(allowed) as [Exclude<Account, "vigil-spy">, (keyof typeof topics)[]][]) {
      const c = await connect(user);
      for (const [name, topic] of Object.entries(topics)) await c.publishAsync(topic, `${user}:${name}`, { qos: 1 });
      await waitUntil(() => mine.every((name) => seen.includes(`${topics[name]} ${user}:${name}`)), 5000, `${user}'s own topics`);
      await new Promise((r) => setTimeout(r, 300));
      const got = seen.filter((s) => s.endsWith(` ${user}:${s.split(":").at(-1)}`) && s.includes(` ${user}:`)).map((s) => s.split(":").at(-1));
      expect(got.sort(), `${user} published`).toEqual([...mine].sort());
    }
  });

  it("delivers to each service only what it reads", async () => {
    // Mosquitto grants the SUBSCRIBE either way and filters at delivery: so check delivery.
    const cases: { reader: Account; writer: Account; topic: string; delivered: boolean }[] = [
      { reader: "vigil-ingest", writer: "vigil-alerts", topic: `${prefix}/config/cameras`, delivered: true },
      { reader: "vigil-ingest", writer: "vigil-inference", topic: serviceStatusMessage.topic(1, prefix), delivered: true },
      { reader: "vigil-ingest", writer: "vigil-inference", topic: plateEventMessage.topic(prefix), delivered: false },
      { reader: "vigil-inference", writer: "vigil-ingest", topic: frameMessage.topic(0, prefix), delivered: true },
      { reader: "vigil-inference", writer: "vigil-alerts", topic: `${prefix}/config/cameras`, delivered: false }, // camera URLs are not inference's business
      { reader: "vigil-inference", writer: "vigil-alerts", topic: alertMessage.topic(prefix), delivered: false },
      { reader: "vigil-alerts", writer: "vigil-inference", topic: plateEventMessage.topic(prefix), delivered: true },
      { reader: "vigil-alerts", writer: "vigil-ingest", topic: cameraStatusMessage.topic("cam-9", prefix), delivered: true },
      { reader: "vigil-alerts", writer: "vigil-ingest", topic: frameMessage.topic(0, prefix), delivered: false },
    ];
    for (const c of cases) {
      const reader = await connect(c.reader);
      const got: string[] = [];
      reader.on("message", (topic, payload) => topic === c.topic && got.push(payload.toString()));
      await reader.subscribeAsync(c.topic, { qos: 1 });
      const marker = `from ${c.writer} ${randomBytes(3).toString("hex")}`;
      await (await connect(c.writer)).publishAsync(c.topic, marker, { qos: 1 });
      if (c.delivered) await waitUntil(() => got.includes(marker), 5000, `${c.reader} reads ${c.topic}`);
      else await new Promise((r) => setTimeout(r, 400));
      expect(got.includes(marker), `${c.reader} ← ${c.topic}`).toBe(c.delivered);
      reader.end(true);
    }
  });
});

describe("the alert service on its own account", () => {
  let h: AlertsHarness;
  afterAll(async () => {
    await h?.close();
  });

  it("takes plate and fire events published by inference's account, stores them, and publishes the alerts", async () => {
    const alertsUrl = url.replace("mqtt://", `mqtt://vigil-alerts:${passwords["vigil-alerts"]}@`);
    h = await startAlertsHarness("acl", { mqttUrl: alertsUrl, topicPrefix: prefix });
    const spy = await connect("vigil-spy");
    const alerts: string[] = [];
    spy.on("message", (topic, payload) => topic === alertMessage.topic(prefix) && alerts.push(payload.toString()));
    await spy.subscribeAsync(alertMessage.topic(prefix), { qos: 1 });
    const { token } = await login(h.base, "admin", ADMIN_PASSWORD);
    expect((await api(h.base, "POST", "/api/v1/watchlist", { token, body: { plate: "51F-123.45", reason: "ACL test", priority: "high" } })).status).toBe(201);
    const inference = await connect("vigil-inference");
    await inference.publishAsync(plateEventMessage.topic(prefix), JSON.stringify(plateEvent({ plate: "51F12345" })), { qos: 1 });
    const fire = { schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-1", ts: new Date().toISOString(), kind: "fire", confidence: 0.9, boxes: [{ bbox: [0.1, 0.1, 0.2, 0.2], confidence: 0.9 }], confirmedFrames: 3, revision: 0 };
    await inference.publishAsync(fireEventMessage.topic(prefix), JSON.stringify(fire), { qos: 1 });
    await waitUntil(async () => Number((await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n) === 1, 10_000, "the read stored");
    await waitUntil(() => alerts.some((a) => a.includes('"watchlist_hit"')) && alerts.some((a) => a.includes('"fire"')), 10_000, "both alerts on the broker");
  });
});
