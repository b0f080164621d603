import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { io as connectSocket, type Socket } from "socket.io-client";
import { createLogger } from "@vigil/contracts/node";
import { createPgDatabase, startAlerts, type AlertsService, type Database } from "@vigil/alerts";
import type { AckResult, Alert, AlertHistoryEntry, ClientToServerEvents, ServerToClientEvents, WebhookDelivery, WebhookPayload } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, testAlertsConfig, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt, uniqueTopicPrefix } from "./support/mqtt.js";

// The alarm workflow against real PostgreSQL and Mosquitto: assignment, a taken alert, escalation once
// across two instances, and outbound webhooks to local HTTP receivers (signed, retried, dead-lettered).
const ESCALATE_MS = 1_500;
const SECRET = "workflow-test-secret-0123456789";

interface Received {
  headers: IncomingMessage["headers"];
  raw: string;
  at: number;
}

/** A local receiver answering `status()`; records every request with its raw body. */
async function receiver(status: () => number): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=t0p`, got };
}

let h: AlertsHarness;
let mqtt: MqttClient;
let second: { service: AlertsService; db: Database } | null = null;
const tokens: Record<string, string> = {};
let ok: Awaited<ReturnType<typeof receiver>>;
let failing: Awaited<ReturnType<typeof receiver>>;
let failingStatus = 503;
const raised: Alert[] = [];

const fireEvent = (cameraId: string, confidence = 0.9) => ({ schemaVersion: 1, id: crypto.randomUUID(), cameraId, ts: new Date().toISOString(), kind: "fire", confidence, boxes: [], confirmedFrames: 3 });

async function raiseFire(cameraId: string, confidence = 0.9): Promise<Alert> {
  const event = fireEvent(cameraId, confidence);
  await mqtt.publishAsync(`${h.prefix}/events/fire`, JSON.stringify(event), { qos: 1 });
  let alert: Alert | undefined;
  await waitUntil(async () => {
    const { body } = await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts?limit=100", { token: tokens.admin });
    alert = body.items.find((a) => a.eventId === event.id);
    return !!alert;
  }, 10_000, `the alert for ${cameraId}`);
  raised.push(alert!);
  return alert!;
}

const signatureOf = (r: Received) => `sha256=${createHmac("sha256", SECRET).update(`${String(r.headers["x-vigil-timestamp"])}.${r.raw}`).digest("hex")}`;
const payloads = (rs: Received[]) => rs.map((r) => JSON.parse(r.raw) as WebhookPayload);

// Both instances (the second joins for the escalation test) deliver from the same queue, so both need the
// test's short schedule: a retry claimed by an instance on the default schedule would wait minutes.
const WEBHOOKS = { backoff: { attempts: 3, firstRetryMs: 300, factor: 2, jitter: 0 }, pollMs: 100 };

beforeAll(async () => {
  ok = await receiver(() => 200);
  failing = await receiver(() => failingStatus);
  h = await startAlertsHarness("workflow", {
    escalationMs: { critical: ESCALATE_MS },
    webhooks: WEBHOOKS,
  });
  mqtt = await connectTestMqtt();
  tokens.admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  for (const [name, role] of [["op1", "operator"], ["op2", "operator"], ["sup1", "supervisor"]] as const) {
    expect((await api(h.base, "POST", "/api/v1/users", { token: tokens.admin, body: { username: name, password: `pw-${role}-alarm-7`, role } })).status).toBe(201);
    tokens[name] = (await login(h.base, name, `pw-${role}-alarm-7`)).token;
  }
  // Webhooks first, so every alert below is forwarded.
  const created = await api(h.base, "POST", "/api/v1/webhooks", { token: tokens.admin, body: { url: ok.url, secret: SECRET, events: ["alert.new", "alert.escalated"] } });
  expect(created.status).toBe(201);
  expect(created.body.secret).toBe(SECRET);
  expect((await api(h.base, "POST", "/api/v1/webhooks", { token: tokens.admin, body: { url: failing.url, types: ["fire"], events: ["alert.new"] } })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await mqtt?.endAsync();
  if (second) {
    await second.service.close();
    await second.db.close();
  }
  await h?.close();
  ok?.server.close();
  failing?.server.close();
});

describe("alarm workflow", () => {
  it("assignment to a user, then a unit, is on the alert and in its history; bad bodies get 400/403", async () => {
    const alert = await raiseFire("cam-assign", 0.5); // high: no escalation in this test
    const toUser = await api<Alert>(h.base, "POST", `/api/v1/alerts/${alert.id}/assign`, { token: tokens.sup1, body: { userId: "OP1" } });
    expect(toUser.status).toBe(200);
    expect(toUser.body).toMatchObject({ assignedTo: "op1", assignedUnitId: null });
    expect((await api(h.base, "POST", `/api/v1/alerts/${alert.id}/assign`, { token: tokens.sup1, body: { userId: "op1", unitId: "x" } })).status).toBe(400);
    expect((await api(h.base, "POST", `/api/v1/alerts/${alert.id}/assign`, { token: tokens.sup1, body: { userId: "nobody" } })).status).toBe(400);
    expect((await api(h.base, "POST", `/api/v1/alerts/${alert.id}/assign`, { token: tokens.op2, body: { userId: "op1" } })).status).toBe(403);
    expect((await api(h.base, "POST", `/api/v1/alerts/${alert.id}/assign`, { token: tokens.op2, body: { userId: "op2" } })).status).toBe(200);
    const { body } = await api<{ alert: Alert; history: AlertHistoryEntry[] }>(h.base, "GET", `/api/v1/alerts/${alert.id}`, { token: tokens.op1 });
    expect(body.alert.assignedTo).toBe("op2");
    expect(body.history.filter((e) => e.kind === "assignment").map((e) => [e.by, e.assignedTo])).toEqual([["sup1", "op1"], ["op2", "op2"]]);
  });

  it("a second acknowledgement gets 409 naming who took it and when (REST and socket)", async () => {
    const alert = await raiseFire("cam-ack", 0.5);
    const first = await api<Alert>(h.base, "POST", `/api/v1/alerts/${alert.id}/ack`, { token: tokens.op1, body: { note: "đang đến" } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ acknowledgedBy: "op1", state: "acknowledged" });
    const again = await api(h.base, "POST", `/api/v1/alerts/${alert.id}/ack`, { token: tokens.op2 });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body).toMatchObject({ error: "already_acknowledged", details: { acknowledgedBy: "op1", acknowledgedAt: first.body.acknowledgedAt } });
    expect(again.body.message).toContain("op1");

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connectSocket(h.base, { auth: { token: tokens.op2 }, transports: ["websocket"], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      const reply = await new Promise<AckResult>((resolve) => socket.emit("alert:ack", { id: alert.id }, resolve));
      expect(reply).toMatchObject({ ok: false, code: "already_acknowledged", taken: { acknowledgedBy: "op1" } });
    } finally {
      socket.disconnect();
    }
    const stored = await api<{ alert: Alert }>(h.base, "GET", `/api/v1/alerts/${alert.id}`, { token: tokens.op1 });
    expect(stored.body.alert.acknowledgedBy).toBe("op1");
  });

  it("an unacknowledged critical alert is escalated once, within 2 s of its deadline, even with two instances on the database", async () => {
    const alert = await raiseFire("cam-escalate");
    expect(alert.severity).toBe("critical");
    // A second instance on the same database (its own topic prefix: no events) rebuilds the timer from the stored alert.
    const db = createPgDatabase(h.testDb.url);
    const service = await startAlerts({ config: testAlertsConfig(uniqueTopicPrefix("workflow-b"), { escalationMs: { critical: ESCALATE_MS }, webhooks: WEBHOOKS }), logger: createLogger({ name: "b", level: "silent" }), db });
    second = { service, db };
    expect(service.alerts.escalationsPending()).toBeGreaterThanOrEqual(1);
    let escalatedAt = "";
    await waitUntil(async () => {
      const { rows } = await h.db.query<{ escalated_at: string | null }>("SELECT escalated_at FROM alerts WHERE id = $1", [alert.id]);
      escalatedAt = rows[0]?.escalated_at ?? "";
      return !!escalatedAt;
    }, 10_000, "the escalation");
    const lateMs = Date.parse(escalatedAt) - (Date.parse(alert.raisedAt!) + ESCALATE_MS);
    if (process.env.VIGIL_TEST_TIMING) console.info(`escalation ${lateMs} ms after its deadline`);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(2_000);
    await new Promise((r) => setTimeout(r, 1_000)); // the other instance's timer has fired too by now
    const { rows } = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM alert_history WHERE alert_id = $1 AND kind = 'escalation'", [alert.id]);
    expect(rows[0]!.n).toBe(1);
    const { body } = await api<{ alert: Alert; history: AlertHistoryEntry[] }>(h.base, "GET", `/api/v1/alerts/${alert.id}`, { token: tokens.sup1 });
    expect(body.alert).toMatchObject({ severity: "critical", state: "new", escalatedAt });
    expect(body.history.filter((e) => e.kind === "escalation")).toEqual([expect.objectContaining({ by: "system", state: "new" })]);
    // Forwarded once, whichever instance won.
    await waitUntil(() => payloads(ok.got).some((p) => p.event === "alert.escalated" && p.alert.id === alert.id), 5_000, "the escalation webhook");
    expect(payloads(ok.got).filter((p) => p.event === "alert.escalated" && p.alert.id === alert.id)).toHaveLength(1);
  }, 30_000);

  it("webhooks: every alert reaches the receiver signed; a failing one is retried with backoff, dead-lettered, and retried by an admin", async () => {
    await waitUntil(() => raised.every((a) => payloads(ok.got).some((p) => p.event === "alert.new" && p.alert.id === a.id)), 5_000, "every raised alert at the receiver");
    for (const r of ok.got) {
      expect(r.headers["x-vigil-signature"]).toBe(signatureOf(r));
      expect(Math.abs(Number(r.headers["x-vigil-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
      expect(r.headers["content-type"]).toContain("application/json");
    }
    // Nothing sent twice: one request per delivery id.
    const ids = ok.got.map((r) => r.headers["x-vigil-delivery"]);
    expect(new Set(ids).size).toBe(ids.length);

    // The failing receiver: 3 tries per alert, 300 ms then 600 ms apart, then the dead-letter list.
    const target = raised[0]!;
    await waitUntil(async () => {
      const { body } = await api<{ items: WebhookDelivery[] }>(h.base, "GET", "/api/v1/webhooks/deliveries?state=failed", { token: tokens.admin });
      return body.items.some((d) => d.alertId === target.id);
    }, 10_000, "the dead letter");
    const tries = failing.got.filter((r) => (JSON.parse(r.raw) as WebhookPayload).alert.id === target.id);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((r) => r.raw)).size).toBe(1); // the same bytes every time
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(250);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(550);
    const dead = (await api<{ items: WebhookDelivery[] }>(h.base, "GET", "/api/v1/webhooks/deliveries?state=failed", { token: tokens.admin })).body.items.find((d) => d.alertId === target.id)!;
    expect(dead).toMatchObject({ state: "failed", attempts: 3, lastStatus: 503, nextAttemptAt: null });
    expect((await api(h.base, "GET", "/api/v1/webhooks/deliveries?state=failed", { token: tokens.sup1 })).status).toBe(403);

    failingStatus = 200;
    expect((await api(h.base, "POST", `/api/v1/webhooks/deliveries/${dead.id}/retry`, { token: tokens.admin })).status).toBe(200);
    await waitUntil(async () => {
      const { body } = await api<{ items: WebhookDelivery[] }>(h.base, "GET", "/api/v1/webhooks/deliveries?state=delivered", { token: tokens.admin });
      return body.items.some((d) => d.id === dead.id);
    }, 5_000, "the retried delivery");
    expect((await api(h.base, "POST", `/api/v1/webhooks/deliveries/${dead.id}/retry`, { token: tokens.admin })).status).toBe(404);
  }, 30_000);

  it("admin API: URLs validated, list without secrets, delete", async () => {
    expect((await api(h.base, "POST", "/api/v1/webhooks", { token: tokens.admin, body: { url: "ftp://example.vn/x" } })).status).toBe(400);
    expect((await api(h.base, "POST", "/api/v1/webhooks", { token: tokens.admin, body: { url: "https://u:p@example.vn/x" } })).status).toBe(400);
    const list = await api<{ items: Array<Record<string, unknown>> }>(h.base, "GET", "/api/v1/webhooks", { token: tokens.admin });
    expect(list.body.items).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    const { rows } = await h.db.query<{ secret_sealed: string }>("SELECT secret_sealed FROM webhooks");
    expect(rows.every((r) => !r.secret_sealed.includes(SECRET))).toBe(true);
    const id = list.body.items[1]!.id as string;
    expect((await api(h.base, "DELETE", `/api/v1/webhooks/${id}`, { token: tokens.admin })).status).toBe(204);
    expect((await api(h.base, "DELETE", `/api/v1/webhooks/${id}`, { token: tokens.admin })).status).toBe(404);
  });
});
