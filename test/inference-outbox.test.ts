import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { DiskOutbox } from "../services/inference/src/outbox/disk-outbox.js";
import { OutboxPublisher } from "../services/inference/src/outbox/outbox-publisher.js";
import { collectMessages } from "./support/mqtt.js";
import { getFreePort } from "./support/ports.js";

// A private Mosquitto on its own port, stopped and restarted by this test (never the shared one on 1883).
let port: number;
let broker: ChildProcess | undefined;
let work: string;
const logger = createLogger({ name: "outbox-test", level: "silent" });

async function startBroker(): Promise<void> {
  broker = spawn("mosquitto", ["-p", String(port)], { stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    try {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 500 });
      await c.endAsync();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("mosquitto did not start");
}

async function stopBroker(): Promise<void> {
  const b = broker;
  broker = undefined;
  if (!b || b.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    b.once("exit", () => resolve());
    b.kill("SIGTERM");
  });
}

beforeAll(async () => {
  port = await getFreePort();
  work = await mkdtemp(path.join(tmpdir(), "vigil-outbox-it-"));
  await startBroker();
});

afterAll(async () => {
  await stopBroker();
  await rm(work, { recursive: true, force: true });
});

describe("outbox with a real broker stopped and started", () => {
  it("keeps events on disk while the broker is down, bounded, and delivers them in order when it returns", async () => {
    const url = `mqtt://127.0.0.1:${port}`;
    // The publisher reconnects when the test says so (below), so the subscriber is surely listening first.
    const publisherClient: MqttClient = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 });
    const outbox = new DiskOutbox({ dir: path.join(work, "outbox"), maxEntries: 5 });
    await outbox.open();
    const publisher = new OutboxPublisher({ outbox, mqtt: publisherClient, logger, publishTimeoutMs: 1000 });

    // Broker up: goes straight through.
    const sub1 = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const live = await collectMessages(sub1, "vigil/events/plate");
    await publisher.publish("vigil/events/plate", JSON.stringify({ n: 0 }));
    await live.waitFor((m) => m.length === 1);
    await sub1.endAsync();

    // Broker down: 8 events, only the newest 5 are kept on disk.
    await stopBroker();
    await new Promise((r) => setTimeout(r, 300));
    expect(publisherClient.connected).toBe(false);
    for (let n = 1; n <= 8; n++) await publisher.publish("vigil/events/plate", JSON.stringify({ n }));
    expect(outbox.depth).toBe(5);
    expect(outbox.droppedTotal).toBe(3);
    expect((await readdir(path.join(work, "outbox"))).filter((f) => f.endsWith(".json"))).toHaveLength(5);

    // Broker back: once the publisher reconnects, the outbox replays on its own ("connect" event).
    await startBroker();
    const sub2 = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const replay = await collectMessages(sub2, "vigil/events/plate");
    publisherClient.reconnect();
    await replay.waitFor((m) => m.length >= 5, 15_000);
    const order = replay.json<{ n: number }>().map((m) => m.n);
    expect(order.slice(0, 5)).toEqual([4, 5, 6, 7, 8]);
    // The subscriber can see the last event a moment before the publisher has its PUBACK and
    // removes the file: the outbox empties just after, not necessarily at the same instant.
    await vi.waitFor(() => expect(outbox.depth).toBe(0), { timeout: 5000, interval: 20 });

    await publisher.close();
    await publisherClient.endAsync();
    await sub2.endAsync();
  });
});
