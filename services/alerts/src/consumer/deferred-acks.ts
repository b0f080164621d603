import type { MqttClient } from "mqtt";

interface PubackPacket {
  cmd: string;
  messageId?: number;
  reasonCode?: number;
}
type SendPacket = (packet: PubackPacket, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export interface AckHandle {
  /** Sends the PUBACK now (the message is safely stored or deliberately dropped). */
  ack(): void;
}

/**
 * mqtt.js acknowledges a QoS 1 message as soon as its handlers return, and handles incoming packets
 * one at a time (its `customHandleAcks` would serialise every delivery behind a database commit).
 * This keeps the PUBACK of each held message back — while later messages keep flowing — until
 * `ack()` is called after the batch commits. A connection loss voids held acks: the broker redelivers
 * those messages (persistent session), and storing them again is idempotent.
 *
 * It wraps mqtt.js's internal `_sendPacket`, the single place PUBACKs leave the client.
 */
export function deferPubacks(client: MqttClient) {
  const target = client as unknown as { _sendPacket?: SendPacket };
  // A private method: mqtt is pinned to an exact version in package.json; if an upgrade renames it, fail
  // at start-up with the reason rather than acknowledging messages before they are stored.
  if (typeof target._sendPacket !== "function") {
    throw new Error("mqtt.js has no _sendPacket: the deferred-PUBACK hook (consumer/deferred-acks.ts) does not fit this mqtt version; pin mqtt to 5.16.0 or port the hook");
  }
  const send = target._sendPacket.bind(client);
  // messageId → "held" (PUBACK not yet produced by mqtt.js), a held PUBACK, or "released" early.
  const held = new Map<number, "held" | "released" | PubackPacket>();
  let generation = 0;

  target._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === "puback" && packet.messageId !== undefined) {
      const state = held.get(packet.messageId);
      if (state === "held") {
        held.set(packet.messageId, packet);
        cb?.();
        return;
      }
      if (state === "released") held.delete(packet.messageId);
    }
    send(packet, cb, ...rest);
  };
  client.on("close", () => {
    generation++;
    held.clear();
  });

  return {
    /** Call synchronously from the `message` listener for a QoS 1 packet. */
    hold(messageId: number | undefined): AckHandle {
      if (messageId === undefined) return { ack: () => undefined };
      const gen = generation;
      held.set(messageId, "held");
      let done = false;
      return {
        ack() {
          if (done || gen !== generation) return;
          done = true;
          const state = held.get(messageId);
          if (state === "held") held.set(messageId, "released");
          else if (state && typeof state === "object") {
            held.delete(messageId);
            send(state);
          }
        },
      };
    },
    held: () => held.size,
  };
}
