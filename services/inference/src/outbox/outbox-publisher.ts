import type { MqttClient } from "mqtt";
import type { Logger } from "@vigil/contracts/node";
import type { DiskOutbox } from "./disk-outbox.js";

export interface OutboxPublisherOptions {
  outbox: DiskOutbox;
  mqtt: MqttClient;
  logger: Logger;
  /** How long one publish may wait for its PUBACK before the drain gives up and retries later. */
  publishTimeoutMs?: number;
  onPublished?: (topic: string) => void;
}

/**
 * Drains the disk outbox into MQTT at QoS 1, oldest first, one at a time so order holds. An entry
 * leaves the disk only after the broker acknowledged it (at-least-once). Drains on enqueue, on
 * (re)connect, and on a slow timer as a safety net.
 */
export class OutboxPublisher {
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onConnect = () => void this.drain();

  constructor(private readonly o: OutboxPublisherOptions) {
    o.mqtt.on("connect", this.onConnect);
    this.timer = setInterval(() => void this.drain(), 2000);
    this.timer.unref();
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.o.outbox.enqueue(topic, payload);
    void this.drain();
  }

  /** Resolves when the outbox is empty or the broker is unreachable. */
  drain(): Promise<void> {
    this.draining ??= this.drainLoop().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    while (!this.closed && this.o.mqtt.connected) {
      const entry = await this.o.outbox.peek();
      if (!entry) return;
      try {
        await withTimeout(this.o.mqtt.publishAsync(entry.topic, entry.payload, { qos: 1 }), this.o.publishTimeoutMs ?? 5000);
      } catch (err) {
        this.o.logger.warn({ err, topic: entry.topic }, "publish failed; event stays in the outbox");
        return;
      }
      await this.o.outbox.remove(entry.key);
      this.o.onPublished?.(entry.topic);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.o.mqtt.off("connect", this.onConnect);
    await this.draining;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no PUBACK within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
