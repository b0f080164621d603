import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { deferPubacks } from "./deferred-acks.js";

type Packet = { cmd: string; messageId?: number };

/** A client of the installed mqtt.js that never connects (manualConnect: no socket, no timers), with its packet writer recorded. */
function recordingClient() {
  const client = mqtt.connect("mqtt://127.0.0.1:1", { manualConnect: true, reconnectPeriod: 0 });
  const sent: Packet[] = [];
  // The real writer needs a socket; record what reaches it instead (below the hook).
  (client as unknown as { _sendPacket: (p: Packet, cb?: () => void) => void })._sendPacket = (p, cb) => {
    sent.push(p);
    cb?.();
  };
  return { client, sent, send: (p: Packet) => (client as unknown as { _sendPacket: (p: Packet, cb?: () => void) => void })._sendPacket(p) };
}

describe("deferred PUBACKs", () => {
  it("fits the installed mqtt.js: it has the private _sendPacket the hook wraps", () => {
    const client = mqtt.connect("mqtt://127.0.0.1:1", { manualConnect: true, reconnectPeriod: 0 });
    expect(typeof (client as unknown as { _sendPacket?: unknown })._sendPacket).toBe("function");
    expect(() => deferPubacks(client)).not.toThrow();
  });

  it("holds a PUBACK until ack(), lets other packets and unheld PUBACKs through, and sends an early ack's PUBACK at once", () => {
    const { client, sent, send } = recordingClient();
    const acks = deferPubacks(client);
    const handle = acks.hold(7);
    send({ cmd: "puback", messageId: 7 });
    send({ cmd: "pingreq" });
    send({ cmd: "puback", messageId: 8 });
    expect(sent.map((p) => `${p.cmd}:${p.messageId ?? ""}`)).toEqual(["pingreq:", "puback:8"]);
    handle.ack();
    expect(sent.at(-1)).toEqual({ cmd: "puback", messageId: 7 });
    // Acknowledged before mqtt.js produced the PUBACK: it goes out as soon as it is produced.
    acks.hold(9).ack();
    send({ cmd: "puback", messageId: 9 });
    expect(sent.at(-1)).toEqual({ cmd: "puback", messageId: 9 });
    expect(acks.held()).toBe(0);
  });

  it("refuses a client without the hook point, with the reason", () => {
    const client = mqtt.connect("mqtt://127.0.0.1:1", { manualConnect: true, reconnectPeriod: 0 });
    (client as unknown as { _sendPacket?: unknown })._sendPacket = undefined;
    expect(() => deferPubacks(client)).toThrow(/_sendPacket.*pin mqtt/);
  });
});
