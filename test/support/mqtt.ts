import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";

export const TEST_MQTT_URL = process.env.VIGIL_TEST_MQTT_URL ?? "mqtt://127.0.0.1:1883";

/** A unique topic prefix so test files sharing the local Mosquitto never see each other's messages. */
export function uniqueTopicPrefix(label = "t"): string {
  return `vigiltest/${label}-${randomBytes(4).toString("hex")}`;
}

/** A connected client to the real local broker. */
export async function connectTestMqtt(url = TEST_MQTT_URL): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `vigil-test-${randomBytes(4).toString("hex")}`, reconnectPeriod: 500, connectTimeout: 5000 });
}

/** Collects messages on a topic filter, with a waiter for "at least n arrived". */
export async function collectMessages(client: MqttClient, filter: string) {
  const messages: { topic: string; payload: Buffer; retain: boolean }[] = [];
  const listeners = new Set<() => void>();
  client.on("message", (topic, payload, packet) => {
    if (topicMatches(filter, topic)) {
      messages.push({ topic, payload, retain: packet.retain });
      listeners.forEach((l) => l());
    }
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    messages,
    json<T = unknown>(): T[] {
      return messages.map((m) => JSON.parse(m.payload.toString()) as T);
    },
    waitFor(predicate: (all: typeof messages) => boolean, timeoutMs = 10_000): Promise<void> {
      return new Promise((resolve, reject) => {
        if (predicate(messages)) return resolve();
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting on ${filter} (${messages.length} messages)`));
        }, timeoutMs);
        const check = () => {
          if (predicate(messages)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
      });
    },
  };
}

export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
