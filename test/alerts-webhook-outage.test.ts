/**
 * Webhooks through a receiver outage (#18 target), against the real alert service, PostgreSQL and
 * Mosquitto, with a short retry schedule (6 tries, 2 s doubling: tries at 0, 2, 6, 14, 30, 62 s).
 * Receiver R is down (nothing listens on its port) for 60 s while three alerts are raised, and the
 * alert service is restarted in the middle of it; when R is back every alert reaches it exactly
 * once, each signature verifies. Receiver D answers 503 throughout: its tries follow the backoff
 * schedule, and it goes to the dead-letter list only after the last one.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { createLogger } from "@vigil/contracts/node";
import { createPgDatabase, startAlerts, type AlertsConfig, type AlertsService, type Database } from "@vigil/alerts";
import type { Alert, WebhookDelivery, WebhookPayload } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, testAlertsConfig, waitUntil } from "./alerts-harness.js";
import { connectTestMqtt, uniqueTopicPrefix } from "./support/mqtt.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";

const SECRET = "outage-test-secret-0123456789abcdef";
const BACKOFF = { attempts: 6, firstRetryMs: 2_000, factor: 2, jitter: 0 };
/** Waits between D's tries: 2, 4, 8, 16, 32 s; the sixth try is the last. */
const SCHEDULE_MS = [2_000, 4_000, 8_000, 16_000, 32_000];
const OUTAGE_MS = 60_000;

interface Received {
  headers: IncomingMessage["headers"];
  raw: string;
  at: number;
}

function recorder(status: number): { server: Server; got: Received[] } {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.writeHead(status).end();
    });
  });
  return { server, got };
}
const listen = (server: Server, port = 0) => new Promise<number>((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
});

let testDb: TestDatabase;
let db: Database;
let service: AlertsService;
let config: AlertsConfig;
let mqtt: MqttClient;
let token = "";
const prefix = uniqueTopicPrefix("webhook-outage");
const up = recorder(200);
const failing = recorder(503);
let upPort = 0;
let t0 = 0;
const alerts: Alert[] = [];

const base = () => service.url;
const payloadOf = (r: Received) => JSON.parse(r.raw) as WebhookPayload;
const signatureOf = (r: Received) => `sha256=${createHmac("sha256", SECRET).update(`${String(r.headers["x-vigil-timestamp"])}.${r.raw}`).digest("hex")}`;
const deliveries = async (state?: string) =>
  (await api<{ items: WebhookDelivery[] }>(base(), "GET", `/api/v1/webhooks/deliveries?limit=100${state ? `&state=${state}` : ""}`, { token })).body.items;
const at = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, t0 + ms - Date.now())));

async function start(): Promise<void> {
  service = await startAlerts({ config, logger: createLogger({ name: "outage", level: process.env.VIGIL_TEST_LOG ?? "silent" }), db });
  token = (await login(service.url, "admin", ADMIN_PASSWORD)).token;
}

async function raise(kind: "fire" | "smoke"): Promise<Alert> {
  const event = { schemaVersion: 1, id: crypto.randomUUID(), cameraId: `cam-${kind}-${alerts.length}`, ts: new Date().toISOString(), kind, confidence: 0.9, boxes: [], confirmedFrames: 3 };
  await mqtt.publishAsync(`${prefix}/events/fire`, JSON.stringify(event), { qos: 1 });
  let alert: Alert | undefined;
  await waitUntil(async () => {
    alert = (await api<{ items: Alert[] }>(base(), "GET", "/api/v1/alerts?limit=100", { token })).body.items.find((a) => a.eventId === event.id);
    return !!alert;
  }, 10_000, `the ${kind} alert`);
  alerts.push(alert!);
  return alert!;
}

beforeAll(async () => {
  // R's port: taken now and released, so nothing listens there until R comes back.
  upPort = await listen(up.server);
  await new Promise<void>((r) => up.server.close(() => r()));
  const failingPort = await listen(failing.server);
  testDb = await createTestDatabase("webhook-outage");
  db = createPgDatabase(testDb.url);
  config = testAlertsConfig(prefix, { webhooks: { backoff: BACKOFF, pollMs: 100, timeoutMs: 2_000 }, alertCooldownMs: 0 });
  mqtt = await connectTestMqtt();
  await start();
  for (const [port, body] of [[upPort, { events: ["alert.new"] }], [failingPort, { types: ["fire"], events: ["alert.new"] }]] as const) {
    const res = await api(base(), "POST", "/api/v1/webhooks", { token, body: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET, ...body } });
    expect(res.status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await mqtt?.endAsync();
  await service?.close();
  await db?.close();
  await testDb?.drop();
  up.server.close();
  failing.server.close();
});

describe("a webhook receiver down for 60 s", () => {
  it("gets every alert once it is back, once each, signed — across a restart of the alert service; a receiver that never recovers is dead-lettered only after the last try", async () => {
    t0 = Date.now();
    await raise("fire"); // R and D
    await at(18_000);
    await raise("smoke"); // R only
    // The alert service restarts during the outage; the queue is in PostgreSQL.
    await at(24_000);
    await service.close();
    await start();
    await at(38_000);
    await raise("smoke");
    await at(50_000);
    // Still down: nothing reached R, nothing of R's is dead-lettered; D has had its five first tries and waits for the last.
    expect(up.got).toHaveLength(0);
    expect((await deliveries("failed")).length).toBe(0);
    expect(failing.got.length).toBe(5);
    const dPending = (await deliveries("pending")).filter((d) => d.alertId === alerts[0]!.id && d.lastStatus === 503);
    expect(dPending).toEqual([expect.objectContaining({ state: "pending", attempts: 5 })]);
    expect(dPending[0]!.nextAttemptAt).not.toBeNull();

    await at(OUTAGE_MS);
    await listen(up.server, upPort);
    const back = Date.now();
    await waitUntil(() => alerts.every((a) => up.got.some((r) => payloadOf(r).alert.id === a.id)), 60_000, "every alert at R after its return");
    const allIn = Date.now();
    // D's sixth try (at ≥ 62 s) failed too: now, and only now, a dead letter.
    await waitUntil(async () => (await deliveries("failed")).length === 1, 30_000, "D's dead letter");
    await new Promise((r) => setTimeout(r, 3_000)); // a repeated send would have come by now

    // Every alert once at R: one request per delivery, per alert, each signature good.
    expect(up.got.map((r) => payloadOf(r).alert.id).sort()).toEqual(alerts.map((a) => a.id).sort());
    expect(new Set(up.got.map((r) => r.headers["x-vigil-delivery"])).size).toBe(3);
    for (const r of up.got) {
      expect(r.headers["x-vigil-signature"]).toBe(signatureOf(r));
      expect(r.at).toBeGreaterThanOrEqual(back);
    }
    const delivered = (await deliveries("delivered")).filter((d) => up.got.some((r) => r.headers["x-vigil-delivery"] === d.id));
    expect(delivered).toHaveLength(3);
    // Retried while R was down (a try or more each), none past its budget.
    for (const d of delivered) {
      expect(d.attempts).toBeGreaterThanOrEqual(2);
      expect(d.attempts).toBeLessThanOrEqual(BACKOFF.attempts);
    }

    // D: six tries of the same bytes and delivery id, waits following the schedule (the restart may add its seconds to one).
    expect(failing.got).toHaveLength(6);
    expect(new Set(failing.got.map((r) => r.raw)).size).toBe(1);
    expect(new Set(failing.got.map((r) => r.headers["x-vigil-delivery"])).size).toBe(1);
    const gaps = failing.got.slice(1).map((r, i) => r.at - failing.got[i]!.at);
    gaps.forEach((gap, i) => {
      expect(gap, `wait ${i + 1}`).toBeGreaterThanOrEqual(SCHEDULE_MS[i]! - 50);
      expect(gap, `wait ${i + 1}`).toBeLessThan(SCHEDULE_MS[i]! + 6_000);
    });
    const [dead] = await deliveries("failed");
    expect(dead).toMatchObject({ alertId: alerts[0]!.id, state: "failed", attempts: 6, lastStatus: 503, nextAttemptAt: null });
    console.info(`webhook outage: R back at ${((back - t0) / 1000).toFixed(1)} s, all 3 alerts in by ${((allIn - t0) / 1000).toFixed(1)} s (attempts ${delivered.map((d) => d.attempts).join(", ")}); D's waits ${gaps.map((g) => (g / 1000).toFixed(1)).join(", ")} s, dead-lettered after 6 tries`);
  }, 180_000);
});
