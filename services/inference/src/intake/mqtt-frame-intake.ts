import type { MqttClient } from "mqtt";
import { frameMessage, type FrameSink } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { decodeFrameMessage } from "@vigil/ingest";
import type { InferenceMetrics } from "../metrics.js";

export interface MqttFrameIntakeOptions {
  mqtt: MqttClient;
  topicPrefix: string;
  shard: { index: number; count: number };
  sink: FrameSink;
  metrics: InferenceMetrics;
  logger: Logger;
}

/**
 * Frames from ingest on other hosts: subscribes to this worker's shard (`{prefix}/frames/{i}`),
 * decodes ingest's binary framing and hands frames to the sink. Frames are QoS 0 and processed one
 * at a time; a frame arriving while one is in work replaces the waiting one per camera (newest wins,
 * a late frame is worth less than a current one). Bad messages are counted, never fatal.
 */
export class MqttFrameIntake {
  private readonly topic: string;
  private readonly waiting = new Map<string, Parameters<FrameSink["submit"]>[0]>();
  private busy = false;
  private readonly onMessage = (topic: string, payload: Buffer) => {
    if (topic !== this.topic) return;
    const decoded = decodeFrameMessage(payload);
    if (!decoded.ok) {
      this.o.metrics.framesRejected.inc({ reason: "bad_message" });
      this.o.logger.debug({ reason: decoded.reason }, "frame message rejected");
      return;
    }
    // The payload buffer belongs to mqtt.js; copy the pixels we keep past this callback.
    const frame = { ...decoded.frame, data: Buffer.from(decoded.frame.data) };
    if (this.waiting.has(frame.cameraId)) this.o.metrics.framesRejected.inc({ reason: "superseded" });
    this.waiting.set(frame.cameraId, frame);
    void this.pump();
  };

  constructor(private readonly o: MqttFrameIntakeOptions) {
    this.topic = frameMessage.topic(o.shard.index, o.topicPrefix);
  }

  async start(): Promise<void> {
    this.o.mqtt.on("message", this.onMessage);
    await this.o.mqtt.subscribeAsync(this.topic, { qos: 0 });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.waiting.size > 0) {
        const [cameraId, frame] = this.waiting.entries().next().value!;
        this.waiting.delete(cameraId);
        await this.o.sink.submit(frame).catch((err: unknown) => this.o.logger.warn({ err, cameraId }, "frame failed"));
      }
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    this.o.mqtt.off("message", this.onMessage);
    if (this.o.mqtt.connected) await this.o.mqtt.unsubscribeAsync(this.topic).catch(() => undefined);
  }
}
