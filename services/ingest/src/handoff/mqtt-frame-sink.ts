import type { MqttClient } from "mqtt";
import sharp from "sharp";
import { frameMessage, shardForCamera, type Frame, type FrameSink } from "@vigil/contracts";
import { encodeFrameMessage } from "./frame-codec.js";

export interface MqttFrameSinkOptions {
  mqtt: MqttClient;
  topicPrefix: string;
  /** Number of inference shards; a camera always maps to the same one (`shardForCamera`). */
  shardCount: number;
  /** "jpeg" (default) encodes with sharp; "rgb24" sends raw pixels (only sensible on one host). */
  format?: "jpeg" | "rgb24";
  jpegQuality?: number;
}

/**
 * Frames to inference on other hosts: JPEG over MQTT on the camera's shard topic. Chosen by
 * measurement (services/ingest/DESIGN.md): a 1280×720 JPEG is ~25× smaller than RGB, which is
 * what lets several cameras share a broker and a network link. QoS 0: a late frame is worthless,
 * and backpressure is already handled by the per-camera queue in front of this sink.
 */
export function createMqttFrameSink(o: MqttFrameSinkOptions): FrameSink {
  const format = o.format ?? "jpeg";
  const quality = o.jpegQuality ?? 80;
  return {
    async submit(frame: Frame): Promise<void> {
      let out: Frame = frame;
      if (format === "jpeg" && frame.format === "rgb24") {
        const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality, mozjpeg: false }).toBuffer();
        out = { ...frame, format: "jpeg", data: jpeg };
      }
      const topic = frameMessage.topic(shardForCamera(frame.cameraId, o.shardCount), o.topicPrefix);
      await o.mqtt.publishAsync(topic, encodeFrameMessage(out), { qos: frameMessage.qos, retain: false });
    },
  };
}
