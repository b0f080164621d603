import { randomUUID } from "node:crypto";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import {
  cameraStatusMessage,
  deadLetterMessage,
  decodePayload,
  encodePayload,
  fireEventMessage,
  plateEventMessage,
  type CameraStatus,
  type FireEvent,
  type PlateEvent,
} from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { AlertsMetrics } from "../metrics.js";
import { deferPubacks } from "./deferred-acks.js";

export const SHARED_GROUP = "vigil-alerts";
const CONSUMER_NAME = "alerts";

export interface ConsumerHandlers {
  /** Resolve once the event is durably stored: the message is acknowledged then. */
  plate(event: PlateEvent): Promise<void>;
  fire(event: FireEvent): Promise<void>;
  status(status: CameraStatus): Promise<void> | void;
}

export interface MqttConsumerOptions {
  url: string;
  clientId: string;
  topicPrefix: string;
  /** "auto": shared subscriptions when the broker accepts MQTT 5. */
  sharedSubscription: "auto" | "true" | "false";
  logger: Logger;
  metrics: AlertsMetrics;
  /** Bounded memory: at most this many messages are received but not yet acknowledged. */
  receiveMaximum?: number;
}

/** Opens a client and waits for CONNACK; `setup` runs first so no early (queued) message is missed. */
function open(url: string, options: IClientOptions, setup: (c: MqttClient) => void): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { ...options, reconnectPeriod: 0 });
    setup(client);
    const onClose = () => onError(new Error(`cannot connect to ${url}`));
    const onError = (err: Error) => {
      client.removeListener("connect", onConnect);
      client.removeListener("close", onClose);
      client.end(true);
      reject(err);
    };
    const onConnect = () => {
      client.removeListener("error", onError);
      client.removeListener("close", onClose);
      client.options.reconnectPeriod = options.reconnectPeriod ?? 1_000;
      resolve(client);
    };
    client.once("error", onError);
    client.once("connect", onConnect);
    client.once("close", onClose);
  });
}

/** Connects with MQTT 5 when the broker speaks it, else 3.1.1 (the embedded aedes broker). */
async function connect(opts: MqttConsumerOptions, setup: (c: MqttClient) => void): Promise<MqttClient> {
  const base: IClientOptions = {
    clientId: opts.clientId,
    clean: false, // a persistent session: unacknowledged messages are redelivered after a reconnect
    reconnectPeriod: 1_000,
    connectTimeout: 5_000,
  };
  try {
    return await open(opts.url, { ...base, protocolVersion: 5, properties: { sessionExpiryInterval: 3_600, receiveMaximum: opts.receiveMaximum ?? 5_000 } }, setup);
  } catch (err) {
    opts.logger.info({ err: (err as Error).message }, "broker refused MQTT 5; using MQTT 3.1.1");
    return open(opts.url, { ...base, protocolVersion: 4 }, setup);
  }
}

/**
 * Subscribes to plate, fire and camera-status events, validates each payload, hands it to the handlers
 * and acknowledges it only when they report it stored. Rejected payloads go to the dead-letter topic
 * (and are acknowledged: a bad payload is never redelivered forever).
 */
export async function startMqttConsumer(opts: MqttConsumerOptions, handlers: ConsumerHandlers) {
  const { logger, metrics, topicPrefix: prefix } = opts;
  const plateTopic = plateEventMessage.topic(prefix);
  const fireTopic = fireEventMessage.topic(prefix);
  const statusFilter = cameraStatusMessage.subscription(prefix);
  let closing = false;
  let acks: ReturnType<typeof deferPubacks> | undefined;
  let client: MqttClient | undefined;

  function deadLetter(topic: string, payload: Buffer, reason: string): void {
    metrics.messagesRejected.inc({ kind: topic === plateTopic ? "plate" : topic === fireTopic ? "fire" : "status" });
    logger.warn({ topic, reason: reason.slice(0, 300) }, "rejected payload sent to the dead-letter topic");
    const text = payload.toString("utf8");
    const body = encodePayload(deadLetterMessage.schema, {
      schemaVersion: 1,
      id: randomUUID(),
      ts: new Date().toISOString(),
      sourceTopic: topic,
      consumer: CONSUMER_NAME,
      reason: reason.slice(0, 4000),
      payload: text.length > 65536 ? text.slice(0, 65536) : text,
    });
    client!.publish(deadLetterMessage.topic(prefix), body, { qos: deadLetterMessage.qos });
  }

  const onMessage = (topic: string, payload: Buffer, packet: { qos: number; messageId?: number }) => {
    const handle = acks!.hold(packet.qos > 0 ? packet.messageId : undefined);
    const settle = (p: Promise<void> | void) =>
      Promise.resolve(p).then(
        () => handle.ack(),
        (err: unknown) => {
          // Only reached on shutdown: handlers retry storage until it works. The message stays unacked.
          if (!closing) logger.error({ err, topic }, "handling a message failed");
        },
      );
    if (topic === plateTopic) {
      metrics.messagesReceived.inc({ kind: "plate" });
      const r = decodePayload(plateEventMessage.schema, payload);
      if (!r.ok) return void (deadLetter(topic, payload, r.reason), handle.ack());
      void settle(handlers.plate(r.value));
    } else if (topic === fireTopic) {
      metrics.messagesReceived.inc({ kind: "fire" });
      const r = decodePayload(fireEventMessage.schema, payload);
      if (!r.ok) return void (deadLetter(topic, payload, r.reason), handle.ack());
      void settle(handlers.fire(r.value));
    } else if (topic.startsWith(`${prefix}/cameras/`) && topic.endsWith("/status")) {
      metrics.messagesReceived.inc({ kind: "status" });
      if (payload.length === 0) return void handle.ack(); // a cleared retained status
      const r = decodePayload(cameraStatusMessage.schema, payload);
      if (!r.ok) return void (deadLetter(topic, payload, r.reason), handle.ack());
      void settle(handlers.status(r.value));
    } else {
      handle.ack();
    }
  };
  const connected = await connect(opts, (c) => {
    client = c; // set before CONNACK: queued messages may arrive at once
    acks = deferPubacks(c);
    c.on("message", onMessage);
  });
  client = connected;
  const v5 = connected.options.protocolVersion === 5;
  const shared = opts.sharedSubscription === "true" || (opts.sharedSubscription === "auto" && v5);
  const share = (t: string) => (shared ? `$share/${SHARED_GROUP}/${t}` : t);
  connected.on("error", (err) => logger.warn({ err: err.message }, "MQTT error"));
  connected.on("offline", () => logger.warn("MQTT broker unreachable; reconnecting"));

  await connected.subscribeAsync(
    { [share(plateTopic)]: { qos: 1 }, [share(fireTopic)]: { qos: 1 }, [statusFilter]: { qos: 1 } },
  );
  logger.info({ protocol: v5 ? "MQTT 5" : "MQTT 3.1.1", shared }, "subscribed to plate, fire and camera-status events");

  return {
    client: connected,
    protocolVersion: v5 ? 5 : 4,
    shared,
    connected: () => client!.connected,
    heldAcks: () => acks!.held(),
    publish(topic: string, body: string, options: { qos: 0 | 1; retain?: boolean }): Promise<void> {
      return client!.publishAsync(topic, body, { qos: options.qos, retain: options.retain ?? false }).then(() => undefined);
    },
    async close(): Promise<void> {
      closing = true;
      await client!.endAsync(false).catch(() => client!.end(true));
    },
  };
}
export type MqttConsumer = Awaited<ReturnType<typeof startMqttConsumer>>;
