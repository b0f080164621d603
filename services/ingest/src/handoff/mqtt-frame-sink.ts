import type { MqttClient } from "mqtt";
import sharp from "sharp";
import { decodePayload, encodeFrameMessage, frameMessage, serviceStatusMessage, shardForCamera, yuv420ToRgb, type Frame, type FrameSink } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { IngestMetrics } from "../health/ingest-metrics.js";
import { ShardConsumers } from "./shard-consumers.js";

export interface MqttFrameSinkOptions {
  mqtt: MqttClient;
  topicPrefix: string;
  /** Number of inference shards; a camera always maps to the same one (`shardForCamera`). */
  shardCount: number;
  /**
   * "jpeg" (default) encodes frames with sharp; otherwise frames go as they come (raw pixels:
   * only sensible on one host). Ingest asks ffmpeg for rgb24 when JPEG is to be made (ingest-config.ts).
   */
  format?: "jpeg" | "rgb24" | "yuv420";
  jpegQuality?: number;
  /** How long after creation a shard with no inference status at all still counts as consumed (default 10 s). */
  inferenceGraceMs?: number;
  /** Where unconsumed frames and rejected status messages are counted. */
  metrics?: IngestMetrics;
  logger?: Logger;
}

export interface MqttFrameSink extends FrameSink {
  /** Why this camera's frames are not analysed now (no inference worker online for its shard), or undefined. */
  consumerUnavailable(cameraId: string): string | undefined;
  /** Stops following the inference status (the MQTT client stays the caller's). */
  close(): Promise<void>;
}

/**
 * Frames to inference on other hosts: JPEG over MQTT on the camera's shard topic. Chosen by
 * measurement (services/ingest/DESIGN.md): a 1280×720 JPEG is ~25× smaller than RGB, which is
 * what lets several cameras share a broker and a network link. QoS 0: a late frame is worthless,
 * and backpressure is already handled by the per-camera queue in front of this sink.
 *
 * QoS 0 publishes succeed whether or not anyone subscribes, so the sink also follows the inference
 * workers' retained status (`{prefix}/services/inference/+/status`, "offline" being their MQTT
 * will) to tell which shards are actually consumed. Frames of an unconsumed shard are still sent
 * (a worker may come back any moment) and counted.
 */
export function createMqttFrameSink(o: MqttFrameSinkOptions): MqttFrameSink {
  const format = o.format ?? "jpeg";
  const quality = o.jpegQuality ?? 80;
  const consumers = new ShardConsumers({ shardCount: o.shardCount, graceMs: o.inferenceGraceMs ?? 10_000, startedAt: Date.now() });
  const statusFilter = serviceStatusMessage.subscription(o.topicPrefix);
  const statusTopicPrefix = statusFilter.slice(0, statusFilter.indexOf("+"));

  const onMessage = (topic: string, payload: Buffer) => {
    if (!topic.startsWith(statusTopicPrefix) || !topic.endsWith("/status")) return;
    // An empty retained payload is a cleared status (a shard taken out of service), not a bad one.
    if (payload.length === 0) return;
    const decoded = decodePayload(serviceStatusMessage.schema, payload);
    // The topic names the shard too; a payload that disagrees with it cannot be trusted either.
    if (!decoded.ok || serviceStatusMessage.topic(decoded.value.shard, o.topicPrefix) !== topic) {
      o.metrics?.serviceStatusRejected.inc();
      o.logger?.warn({ topic, reason: decoded.ok ? "shard in the payload differs from the topic" : decoded.reason }, "inference status rejected");
      return;
    }
    const { shard, state, instance } = decoded.value;
    o.logger?.info({ shard, state, instance }, "inference status");
    consumers.update(decoded.value);
  };
  o.mqtt.on("message", onMessage);
  // mqtt.js subscribes again after each reconnect, and the retained status comes with it.
  o.mqtt.subscribe(statusFilter, { qos: serviceStatusMessage.qos }, (err) => {
    if (err) o.logger?.error({ err }, "cannot follow inference status");
  });

  const unavailable = (cameraId: string) => consumers.unavailable(shardForCamera(cameraId, o.shardCount), Date.now());

  return {
    async submit(frame: Frame): Promise<void> {
      let out: Frame = frame;
      if (format === "jpeg" && frame.format !== "jpeg") {
        // ingest-config.ts asks ffmpeg for rgb24 when JPEG is to be made; a YUV frame is converted here.
        const rgb = frame.format === "rgb24" ? frame.data : yuv420ToRgb(frame.data, frame.width, frame.height);
        const jpeg = await sharp(rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality, mozjpeg: false }).toBuffer();
        out = { ...frame, format: "jpeg", data: jpeg };
      }
      const topic = frameMessage.topic(shardForCamera(frame.cameraId, o.shardCount), o.topicPrefix);
      if (unavailable(frame.cameraId)) o.metrics?.unconsumed.inc({ camera: frame.cameraId });
      await o.mqtt.publishAsync(topic, encodeFrameMessage(out), { qos: frameMessage.qos, retain: false });
    },
    consumerUnavailable: unavailable,
    async close() {
      o.mqtt.off("message", onMessage);
      if (o.mqtt.connected) await o.mqtt.unsubscribeAsync(statusFilter).catch(() => undefined);
    },
  };
}
