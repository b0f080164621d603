import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { io as connectSocket, type Socket } from "socket.io-client";
import { createLogger } from "@vigil/contracts/node";
import { createPgDatabase, startAlerts, type AlertsService, type Database } from "@vigil/alerts";
import type { Alert, ClientToServerEvents, ServerToClientEvents } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, plateEvent, testAlertsConfig, waitUntil } from "./alerts-harness.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";
import { connectTestMqtt, uniqueTopicPrefix } from "./support/mqtt.js";

// Two alert instances on one database and one broker: migrations serialised by the advisory lock,
// MQTT 5 shared subscriptions splitting the events, and the Redis adapter fanning pushes out to
// clients of either instance.
let testDb: TestDatabase;
const dbs: Database[] = [];
const services: AlertsService[] = [];
let mqtt: MqttClient;
let prefix: string;

beforeAll(async () => {
  testDb = await createTestDatabase("scale");
  prefix = uniqueTopicPrefix("scale");
  const logger = createLogger({ name: "t", level: "silent" });
  const started = await Promise.all(
    [0, 1].map(async () => {
      const db = createPgDatabase(testDb.url);
      dbs.push(db);
      return startAlerts({ config: testAlertsConfig(prefix, { redisUrl: "redis://127.0.0.1:6379", mqttClientId: `alerts-${randomBytes(4).toString("hex")}` }), logger, db });
    }),
  );
  services.push(...started);
  mqtt = await connectTestMqtt();
});

afterAll(async () => {
  await mqtt?.endAsync();
  for (const s of services) await s.close();
  for (const d of dbs) await d.close();
  await testDb?.drop();
});

describe("two alert instances", () => {
  it("both started on one database (migrations applied once)", async () => {
    const files = readdirSync(new URL("../services/alerts/src/storage/migrations/", import.meta.url)).filter((f) => f.endsWith(".sql"));
    const { rows } = await dbs[0]!.query<{ name: string }>("SELECT name FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.name)).toEqual(files.sort());
    expect(services.every((s) => s.consumer.shared)).toBe(true);
  });

  it("share the event stream: every read stored once, both instances took part", async () => {
    const events = Array.from({ length: 200 }, (_, i) => plateEvent({ plate: `43A${String(10000 + i)}` }));
    for (const e of events) await mqtt.publishAsync(`${prefix}/events/plate`, JSON.stringify(e), { qos: 1 });
    await waitUntil(async () => Number((await dbs[0]!.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n) === 200, 15_000);
    const received = await Promise.all(services.map(async (s) => (await s.metrics.messagesReceived.get()).values.find((v) => v.labels.kind === "plate")?.value ?? 0));
    expect(received[0]! + received[1]!).toBe(200);
    expect(Math.min(...received)).toBeGreaterThan(0);
  });

  it("push an alert raised on either instance to clients of both (Redis adapter)", async () => {
    const [a, b] = services as [AlertsService, AlertsService];
    const { token } = await login(a.url, "admin", ADMIN_PASSWORD);
    const clients = await Promise.all(
      [a, b].map(
        (s) =>
          new Promise<Socket<ServerToClientEvents, ClientToServerEvents>>((resolve, reject) => {
            const c: Socket<ServerToClientEvents, ClientToServerEvents> = connectSocket(s.url, { auth: { token }, transports: ["websocket"], reconnection: false });
            c.once("connect", () => resolve(c));
            c.once("connect_error", reject);
          }),
      ),
    );
    const got: Alert[][] = [[], []];
    clients.forEach((c, i) => c.on("alert:new", (x) => void got[i]!.push(x)));
    const fires = Array.from({ length: 6 }, (_, i) => ({ schemaVersion: 1, id: crypto.randomUUID(), cameraId: `cam-${i}`, ts: new Date().toISOString(), kind: "fire", confidence: 0.9, boxes: [], confirmedFrames: 3 }));
    for (const f of fires) await mqtt.publishAsync(`${prefix}/events/fire`, JSON.stringify(f), { qos: 1 });
    await waitUntil(() => got[0]!.length === 6 && got[1]!.length === 6, 10_000, "both clients to get all alerts");
    expect(got[0]!.map((x) => x.eventId).sort()).toEqual(fires.map((f) => f.id).sort());
    // The alert list is shared through the database too.
    const list = await api(b.url, "GET", "/api/v1/alerts?type=fire", { token });
    expect(list.body.items).toHaveLength(6);
    clients.forEach((c) => c.disconnect());
  });
});
