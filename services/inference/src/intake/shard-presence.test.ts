import { EventEmitter } from "node:events";
import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { decodePayload, serviceStatusSchema } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { ShardPresence } from "./shard-presence.js";

/** Just enough of an MQTT client: records retained publishes, emits "connect". */
class FakeMqtt extends EventEmitter {
  connected = false;
  published: { topic: string; state: string; retain: boolean | undefined }[] = [];
  subscribed: string[] = [];
  async subscribeAsync(topic: string): Promise<void> {
    this.subscribed.push(topic);
  }
  async publishAsync(topic: string, payload: string, opts: { retain?: boolean }): Promise<void> {
    const decoded = decodePayload(serviceStatusSchema, payload);
    if (!decoded.ok) throw new Error(decoded.reason);
    this.published.push({ topic, state: decoded.value.state, retain: opts.retain });
  }
}

const presence = (instance = "host:42") => new ShardPresence({ topicPrefix: "t", shard: { index: 1, count: 2 }, instance, logger: createLogger({ name: "test", level: "silent" }) });

/** A presence attached to a client that is already connected. */
function attachedToConnectedClient(): { p: ShardPresence; mqtt: FakeMqtt } {
  const p = presence();
  const mqtt = new FakeMqtt();
  mqtt.connected = true;
  p.attach(mqtt as unknown as MqttClient);
  return { p, mqtt };
}
const tick = () => new Promise((r) => setImmediate(r));

describe("ShardPresence", () => {
  it("leaves a retained, valid 'offline' as its will on the shard's status topic", () => {
    const will = presence().will();
    expect(will).toMatchObject({ topic: "t/services/inference/1/status", qos: 1, retain: true });
    const decoded = decodePayload(serviceStatusSchema, will.payload as Buffer);
    expect(decoded.ok && decoded.value).toMatchObject({ service: "inference", shard: 1, shardCount: 2, state: "offline", instance: "host:42" });
  });

  it("announces 'online' when attached to a connected client and again after every reconnect", async () => {
    const { mqtt } = attachedToConnectedClient();
    await tick();
    mqtt.emit("connect");
    await tick();
    expect(mqtt.published).toEqual([
      { topic: "t/services/inference/1/status", state: "online", retain: true },
      { topic: "t/services/inference/1/status", state: "online", retain: true },
    ]);
  });

  it("waits for the connection when attached before it, and withdraws with a retained 'offline'", async () => {
    const p = presence();
    const mqtt = new FakeMqtt();
    p.attach(mqtt as unknown as MqttClient);
    await tick();
    expect(mqtt.published).toEqual([]);
    mqtt.connected = true;
    mqtt.emit("connect");
    await tick();
    await p.withdraw();
    // Withdrawn: a later reconnect (during shutdown) must not say "online" again.
    mqtt.emit("connect");
    await tick();
    expect(mqtt.published.map((m) => [m.state, m.retain])).toEqual([
      ["online", true],
      ["offline", true],
    ]);
  });

  it("does not hang a shutdown when the broker never acknowledges", async () => {
    const p = presence();
    const mqtt = new FakeMqtt();
    mqtt.connected = true;
    mqtt.publishAsync = () => new Promise<void>(() => {});
    p.attach(mqtt as unknown as MqttClient);
    const started = Date.now();
    await p.withdraw(50);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("answers an 'offline' left on its topic by an older worker's will with 'online', while it is live", async () => {
    const { p, mqtt } = attachedToConnectedClient();
    await tick();
    expect(mqtt.subscribed).toEqual(["t/services/inference/1/status"]);
    const older = presence("old-host:7");
    mqtt.emit("message", "t/services/inference/1/status", older.will().payload);
    mqtt.emit("message", "t/services/inference/1/status", Buffer.from(older.payload("online"))); // not an offline: no answer
    mqtt.emit("message", "t/services/inference/1/status", Buffer.from("{not json")); // ignored
    await tick();
    expect(mqtt.published.map((m) => m.state)).toEqual(["online", "online"]);
    // After a graceful withdraw it no longer answers: its own "offline" must stand.
    await p.withdraw();
    mqtt.emit("message", "t/services/inference/1/status", older.will().payload);
    await tick();
    expect(mqtt.published.map((m) => m.state)).toEqual(["online", "online", "offline"]);
  });
});
