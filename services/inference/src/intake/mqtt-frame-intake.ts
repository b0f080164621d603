import type { MqttClient } from "mqtt";
import { decodeFrameMessage, frameMessage, type FrameSink } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { InferenceMetrics } from "../metrics.js";

export interface MqttFrameIntakeOptions {
  mqtt: MqttClient;
  topicPrefix: string;
  shard: { index: number; count: number };
  sink: FrameSink;
  metrics: InferenceMetrics;
  logger: Logger;
  /** Frames handed to the sink at once, never two of one camera (default 1; inference passes its lane count). */
  concurrency?: number;
}

/**
 * Frames from ingest on other hosts: subscribes to this worker's shard (`{prefix}/frames/{i}`),
 * decodes ingest's binary framing and hands frames to the sink. Frames are QoS 0; up to
 * `concurrency` are in work at once, one per camera at most; a frame arriving while its camera's
 * previous one is in work replaces the waiting one (newest wins, a late frame is worth less than a
 * current one). Bad messages are counted, never fatal.
 */
export class MqttFrameIntake {
  private readonly topic: string;
  private readonly waiting = new Map<string, Parameters<FrameSink["submit"]>[0]>();
  /** Cameras with a frame in the sink now. */
  private readonly inWork = new Set<string>();
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
    this.pump();
  };

  constructor(private readonly o: MqttFrameIntakeOptions) {
    this.topic = frameMessage.topic(o.shard.index, o.topicPrefix);
  }

  async start(): Promise<void> {
    this.o.mqtt.on("message", this.onMessage);
    await this.o.mqtt.subscribeAsync(this.topic, { qos: 0 });
  }

  private pump(): void {
    const max = Math.max(1, this.o.concurrency ?? 1);
    for (const [cameraId, frame] of this.waiting) {
      if (this.inWork.size >= max) return;
      if (this.inWork.has(cameraId)) continue;
      this.waiting.delete(cameraId);
      this.inWork.add(cameraId);
      void this.o.sink
        .submit(frame)
        .catch((err: unknown) => this.o.logger.warn({ err, cameraId }, "frame failed"))
        .finally(() => {
          this.inWork.delete(cameraId);
          this.pump();
        });
    }
  }

  async close(): Promise<void> {
    this.o.mqtt.off("message", this.onMessage);
    if (this.o.mqtt.connected) await this.o.mqtt.unsubscribeAsync(this.topic).catch(() => undefined);
  }
}
