import type { IClientOptions, IClientPublishOptions, MqttClient } from "mqtt";
import { decodePayload, encodePayload, serviceStatusMessage, type ServiceState } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";

export interface ShardPresenceOptions {
  topicPrefix: string;
  shard: { index: number; count: number };
  /** Who says so, e.g. `host:pid`; lets logs tell a restarted worker from the one before. */
  instance?: string;
  logger: Logger;
}

/**
 * Tells ingest whether this worker consumes its frame shard: retained "online" on every
 * (re)connect, retained "offline" on a graceful stop, and "offline" as the MQTT last will so the
 * broker says it when the process or its host dies. Ingest's frame sink reads it, since its QoS 0
 * frames are accepted by the broker whether or not anyone analyses them.
 *
 * There is one retained status per shard, so the last writer wins: the will of a worker that died
 * after its replacement announced itself (a partitioned host whose keep-alive expires late, an old
 * session taken over) would leave the shard "offline" while this worker serves it. The worker
 * therefore watches its own topic and answers any "offline" it sees while it is live with "online".
 */
export class ShardPresence {
  readonly topic: string;
  private client: MqttClient | null = null;
  private readonly onConnect = () => {
    void this.client?.subscribeAsync(this.topic, { qos: serviceStatusMessage.qos }).catch((err: unknown) => this.o.logger.warn({ err, topic: this.topic }, "shard status not watched"));
    void this.publish("online");
  };
  private readonly onMessage = (topic: string, payload: Buffer) => {
    if (topic !== this.topic || !this.client?.connected) return;
    const status = decodePayload(serviceStatusMessage.schema, payload);
    if (!status.ok || status.value.state !== "offline") return;
    this.o.logger.warn({ topic, instance: status.value.instance }, "shard marked offline by another status (an older worker's will?) while this worker serves it; announcing online again");
    void this.publish("online");
  };

  constructor(private readonly o: ShardPresenceOptions) {
    this.topic = serviceStatusMessage.topic(o.shard.index, o.topicPrefix);
  }

  /** The status payload (validated: publishers parse). */
  payload(state: ServiceState, now = new Date()): string {
    return encodePayload(serviceStatusMessage.schema, {
      schemaVersion: 1,
      service: "inference",
      shard: this.o.shard.index,
      shardCount: this.o.shard.count,
      state,
      ts: now.toISOString(),
      ...(this.o.instance ? { instance: this.o.instance } : {}),
    });
  }

  /**
   * For `mqtt.connect`'s `will`: the broker publishes it when the connection ends without a
   * DISCONNECT (crash, SIGKILL, host gone: socket closed, or keep-alive expired). Its `ts` is the
   * time of the connect, not of the death.
   */
  will(): NonNullable<IClientOptions["will"]> {
    return { topic: this.topic, payload: Buffer.from(this.payload("offline")), qos: serviceStatusMessage.qos, retain: true };
  }

  /**
   * Announces "online" now (if connected) and after every reconnect. Call it once the frame
   * subscription is in place, so that "online" means frames are being taken.
   */
  attach(client: MqttClient): void {
    this.client = client;
    client.on("message", this.onMessage);
    client.on("connect", this.onConnect);
    if (client.connected) this.onConnect();
  }

  /**
   * Graceful stop: retained "offline" before disconnecting (a clean DISCONNECT discards the will).
   * Bounded; when the broker is unreachable the publish cannot go out, and the will does it instead.
   */
  async withdraw(timeoutMs = 2000): Promise<void> {
    const client = this.client;
    if (!client) return;
    client.off("connect", this.onConnect);
    client.off("message", this.onMessage);
    if (!client.connected) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.publish("offline"),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private async publish(state: ServiceState): Promise<void> {
    const opts: IClientPublishOptions = { qos: serviceStatusMessage.qos, retain: true };
    try {
      await this.client?.publishAsync(this.topic, this.payload(state), opts);
      this.o.logger.info({ topic: this.topic, state }, "shard status published");
    } catch (err) {
      this.o.logger.warn({ err, topic: this.topic, state }, "shard status not published");
    }
  }
}
