import { EventEmitter } from "node:events";
import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { encodeFrameMessage, frameMessage, type Frame } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { InferenceMetrics } from "../metrics.js";
import { MqttFrameIntake } from "./mqtt-frame-intake.js";

/** Just enough of an MQTT client: the intake subscribes and listens for "message". */
class FakeMqtt extends EventEmitter {
  connected = true;
  async subscribeAsync(): Promise<void> {}
  async unsubscribeAsync(): Promise<void> {}
}

function frame(cameraId: string, seq: number): Frame {
  return { schemaVersion: 1, cameraId, seq, captureTs: Date.now(), width: 2, height: 1, format: "rgb24", analytics: ["plates"], data: Buffer.alloc(6) };
}

async function setUp(concurrency: number) {
  const mqtt = new FakeMqtt();
  const inWork: string[] = [];
  const started: string[] = [];
  let peak = 0;
  const release = new Map<string, () => void>();
  const metrics = new InferenceMetrics();
  const intake = new MqttFrameIntake({
    mqtt: mqtt as unknown as MqttClient,
    topicPrefix: "t",
    shard: { index: 0, count: 1 },
    concurrency,
    metrics,
    logger: createLogger({ name: "test", level: "silent" }),
    sink: {
      submit: (f) =>
        new Promise<void>((resolve) => {
          const key = `${f.cameraId}#${f.seq}`;
          started.push(key);
          inWork.push(f.cameraId);
          peak = Math.max(peak, inWork.length);
          release.set(key, () => {
            inWork.splice(inWork.indexOf(f.cameraId), 1);
            resolve();
          });
        }),
    },
  });
  await intake.start();
  const send = (f: Frame) => mqtt.emit("message", frameMessage.topic(0, "t"), encodeFrameMessage(f));
  const finish = async (key: string) => {
    release.get(key)!();
    await new Promise((r) => setImmediate(r));
  };
  return { send, finish, started, peak: () => peak, metrics };
}

describe("MqttFrameIntake", () => {
  it("works on frames of different cameras at once, up to its concurrency, never two of one camera", async () => {
    const t = await setUp(2);
    t.send(frame("a", 1));
    t.send(frame("a", 2)); // waits: a#1 is in work
    t.send(frame("b", 1));
    t.send(frame("c", 1)); // waits: two in work
    expect(t.started).toEqual(["a#1", "b#1"]);
    await t.finish("a#1");
    expect(t.started).toEqual(["a#1", "b#1", "a#2"]);
    await t.finish("b#1");
    expect(t.started).toEqual(["a#1", "b#1", "a#2", "c#1"]);
    expect(t.peak()).toBe(2);
  });

  it("keeps only the newest waiting frame of a camera and counts the ones it replaced", async () => {
    const t = await setUp(1);
    t.send(frame("a", 1));
    t.send(frame("a", 2));
    t.send(frame("a", 3));
    await t.finish("a#1");
    expect(t.started).toEqual(["a#1", "a#3"]);
    const superseded = (await t.metrics.framesRejected.get()).values.find((v) => v.labels.reason === "superseded");
    expect(superseded?.value).toBe(1);
  });
});
