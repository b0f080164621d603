import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { Aedes } from "aedes";
import { api, ADMIN_PASSWORD, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { getFreePort } from "./support/ports.js";

// `npm start` embeds aedes, an MQTT 3.1.1 broker: the consumer must fall back to 3.1.1 with plain
// subscriptions and still acknowledge only after storage.
let broker: Aedes;
let server: Server;
let h: AlertsHarness;
let pub: MqttClient;

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  const port = await getFreePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  h = await startAlertsHarness("aedes", { mqttUrl: `mqtt://127.0.0.1:${port}` });
  pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
});

afterAll(async () => {
  await pub?.endAsync();
  await h?.close();
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("on the embedded MQTT 3.1.1 broker", () => {
  it("falls back to MQTT 3.1.1 without shared subscriptions", () => {
    expect(h.service.consumer.protocolVersion).toBe(4);
    expect(h.service.consumer.shared).toBe(false);
  });

  it("stores a burst of reads (more than the broker's in-flight window) and raises a watchlist alert", async () => {
    const { token } = await login(h.base, "admin", ADMIN_PASSWORD);
    await api(h.base, "POST", "/api/v1/watchlist", { token, body: { plate: "51F-123.45", reason: "aedes", priority: "high" } });
    const events = Array.from({ length: 300 }, (_, i) => plateEvent({ plate: i === 150 ? "51F12345" : `29A${String(10000 + i)}` }));
    await Promise.all(events.map((e) => pub.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(e), { qos: 1 })));
    await waitUntil(async () => Number((await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n) === 300, 20_000, "300 reads stored");
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM alerts WHERE event_id = $1", [events[150]!.id])).rows.length === 1);
    expect(h.service.consumer.heldAcks()).toBe(0);
  });
});
