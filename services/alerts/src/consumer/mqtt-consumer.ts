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
import type { EventAdmission, Refusal } from "./event-admission.js";
import { EventRejectedError } from "./event-rejected.js";

export const SHARED_GROUP = "vigil-alerts";
const CONSUMER_NAME = "alerts";

export interface ConsumerHandlers {
  /**
   * Resolve once the event is durably stored: the message is acknowledged then. Throw (reject with) an
   * EventRejectedError for an event that must never be stored: it is dead-lettered and acknowledged.
   */
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
  /** Bounded memory: at most this many plate messages are received but not yet acknowledged. */
  receiveMaximum?: number;
  /** Checks beyond the schema (camera, time window, evidence paths); absent: everything valid is admitted. */
  admission?: EventAdmission;
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

/** Connects with MQTT 5 when the broker speaks it, else 3.1.1 (the embedded aedes broker); `version` skips the probe. */
async function connect(opts: MqttConsumerOptions, clientId: string, receiveMaximum: number, setup: (c: MqttClient) => void, version?: 4 | 5): Promise<MqttClient> {
  const base: IClientOptions = {
    clientId,
    clean: false, // a persistent session: unacknowledged messages are redelivered after a reconnect
    reconnectPeriod: 1_000,
    connectTimeout: 5_000,
  };
  if (version === 4) return open(opts.url, { ...base, protocolVersion: 4 }, setup);
  try {
    return await open(opts.url, { ...base, protocolVersion: 5, properties: { sessionExpiryInterval: 3_600, receiveMaximum } }, setup);
  } catch (err) {
    if (version === 5) throw err;
    opts.logger.info({ err: (err as Error).message }, "broker refused MQTT 5; using MQTT 3.1.1");
    return open(opts.url, { ...base, protocolVersion: 4 }, setup);
  }
}

/** The client id of the second connection (fire, camera status, publishing), derived so it is stable too. */
export function controlClientId(clientId: string): string {
  return `${clientId.slice(0, 58)}-ctrl`;
}

/**
 * Subscribes to plate, fire and camera-status events, validates each payload, admits it (registered
 * camera, plausible time, evidence paths of this system), hands it to the handlers and acknowledges it
 * only when they report it stored. Rejected payloads — invalid, refused by the admission, or refused by
 * the database (a handler throwing EventRejectedError) — go to the dead-letter topic with the reason
 * and are acknowledged: a bad payload is never redelivered for ever.
 *
 * Two connections: plate events arrive on one, fire and camera-status events on the other (which also
 * publishes). The broker stops delivering to a connection whose unacknowledged messages fill its
 * window, and plate messages stay unacknowledged while storage is slow or down; on their own
 * connection they can never hold back a fire alert.
 */
export async function startMqttConsumer(opts: MqttConsumerOptions, handlers: ConsumerHandlers) {
  const { logger, metrics, topicPrefix: prefix } = opts;
  const plateTopic = plateEventMessage.topic(prefix);
  const fireTopic = fireEventMessage.topic(prefix);
  const statusFilter = cameraStatusMessage.subscription(prefix);
  let closing = false;
  let control: MqttClient | undefined;
  let plates: MqttClient | undefined;
  let controlAcks: ReturnType<typeof deferPubacks> | undefined;
  let plateAcks: ReturnType<typeof deferPubacks> | undefined;

  const kindOf = (topic: string) => (topic === plateTopic ? "plate" : topic === fireTopic ? "fire" : "status");

  function deadLetter(topic: string, payload: Buffer, reason: string, label: string): void {
    metrics.messagesRejected.inc({ kind: kindOf(topic) });
    metrics.deadLetters.inc({ kind: kindOf(topic), reason: label });
    logger.warn({ topic, rejected: label, reason: reason.slice(0, 300) }, "rejected payload sent to the dead-letter topic");
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
    control!.publish(deadLetterMessage.topic(prefix), body, { qos: deadLetterMessage.qos });
  }

  /** Admission first, then the handler; a refusal becomes an EventRejectedError like the store's. */
  async function admitted<E>(event: E, check: ((e: E) => Promise<Refusal | null>) | undefined, handle: (e: E) => Promise<void> | void): Promise<void> {
    const refusal = await check?.(event);
    if (refusal) throw new EventRejectedError(refusal.reason, refusal.label);
    await handle(event);
  }

  // Any topic may arrive on either connection (a session persisted by an older version holds all three).
  const onMessage = (acks: () => ReturnType<typeof deferPubacks>) => (topic: string, payload: Buffer, packet: { qos: number; messageId?: number }) => {
    const handle = acks().hold(packet.qos > 0 ? packet.messageId : undefined);
    const reject = (reason: string, label: string) => {
      deadLetter(topic, payload, reason, label);
      handle.ack();
    };
    const settle = (p: Promise<void> | void) =>
      Promise.resolve(p).then(
        () => handle.ack(),
        (err: unknown) => {
          if (err instanceof EventRejectedError) return reject(err.reason, err.label);
          // Otherwise only reached on shutdown: handlers retry storage until it works. The message stays unacked.
          if (!closing) logger.error({ err, topic }, "handling a message failed");
        },
      );
    const admission = opts.admission;
    if (topic === plateTopic) {
      metrics.messagesReceived.inc({ kind: "plate" });
      const r = decodePayload(plateEventMessage.schema, payload);
      if (!r.ok) return reject(r.reason, "invalid");
      void settle(admitted(r.value, admission?.plate, handlers.plate));
    } else if (topic === fireTopic) {
      metrics.messagesReceived.inc({ kind: "fire" });
      const r = decodePayload(fireEventMessage.schema, payload);
      if (!r.ok) return reject(r.reason, "invalid");
      void settle(admitted(r.value, admission?.fire, handlers.fire));
    } else if (topic.startsWith(`${prefix}/cameras/`) && topic.endsWith("/status")) {
      metrics.messagesReceived.inc({ kind: "status" });
      if (payload.length === 0) return void handle.ack(); // a cleared retained status
      const r = decodePayload(cameraStatusMessage.schema, payload);
      if (!r.ok) return reject(r.reason, "invalid");
      void settle(handlers.status(r.value));
    } else {
      handle.ack();
    }
  };

  const controlClient = await connect(opts, controlClientId(opts.clientId), 1_000, (c) => {
    control = c; // set before CONNACK: queued messages may arrive at once
    controlAcks = deferPubacks(c);
    c.on("message", onMessage(() => controlAcks!));
  });
  const v5 = controlClient.options.protocolVersion === 5;
  const plateClient = await connect(
    opts,
    opts.clientId,
    opts.receiveMaximum ?? 5_000,
    (c) => {
      plates = c;
      plateAcks = deferPubacks(c);
      c.on("message", onMessage(() => plateAcks!));
    },
    v5 ? 5 : 4,
  ).catch(async (err: unknown) => {
    await controlClient.endAsync(true).catch(() => undefined);
    throw err;
  });
  const shared = opts.sharedSubscription === "true" || (opts.sharedSubscription === "auto" && v5);
  const share = (t: string) => (shared ? `$share/${SHARED_GROUP}/${t}` : t);
  for (const [name, c] of [["events", controlClient], ["plates", plateClient]] as const) {
    c.on("error", (err) => logger.warn({ err: err.message, connection: name }, "MQTT error"));
    c.on("offline", () => logger.warn({ connection: name }, "MQTT broker unreachable; reconnecting"));
  }

  await controlClient.subscribeAsync({ [share(fireTopic)]: { qos: 1 }, [statusFilter]: { qos: 1 } });
  await plateClient.subscribeAsync({ [share(plateTopic)]: { qos: 1 } });
  // A session persisted by a version with one connection still holds fire/status on the plate client.
  await plateClient.unsubscribeAsync([fireTopic, `$share/${SHARED_GROUP}/${fireTopic}`, statusFilter]).catch(() => undefined);
  logger.info({ protocol: v5 ? "MQTT 5" : "MQTT 3.1.1", shared }, "subscribed to plate events, and to fire and camera-status events on their own connection");

  return {
    /** The connection that carries fire and camera-status events and every publish. */
    client: controlClient,
    protocolVersion: v5 ? 5 : 4,
    shared,
    connected: () => Boolean(control?.connected && plates?.connected),
    heldAcks: () => (controlAcks?.held() ?? 0) + (plateAcks?.held() ?? 0),
    publish(topic: string, body: string, options: { qos: 0 | 1; retain?: boolean }): Promise<void> {
      return control!.publishAsync(topic, body, { qos: options.qos, retain: options.retain ?? false }).then(() => undefined);
    },
    async close(): Promise<void> {
      closing = true;
      await Promise.all([plates!, control!].map((c) => c.endAsync(false).catch(() => c.end(true))));
    },
  };
}
export type MqttConsumer = Awaited<ReturnType<typeof startMqttConsumer>>;
