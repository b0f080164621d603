/**
 * The ingest service from its env and adapters: frames out (MQTT to the inference shards, or an
 * in-process sink) → camera workers (ffmpeg) → the camera list it follows (the adapter's, and the
 * alert service's retained list when CAMERAS_FROM_MQTT) → /metrics and /healthz on INGEST_PORT.
 * `main.ts` (standalone: CAMERAS_FILE, MQTT frames) and `npm start` (the alert service's list,
 * frames handed to inference in-process) both run this; new ingest wiring goes here.
 */
import type { MqttClient } from "mqtt";
import { camerasConfigMessage, decodeCamerasConfig, type FrameSink } from "@vigil/contracts";
import { composition, type Composition, type Logger } from "@vigil/contracts/node";
import type { IngestEnv } from "./env.js";
import type { CameraList } from "./config/camera-list.js";
import { createCamerasFollower, internalCamerasFetcher } from "./config/cameras-follower.js";
import { ingestConfigFromEnv } from "./config/ingest-config.js";
import { createMqttFrameSink } from "./handoff/mqtt-frame-sink.js";
import { IngestMetrics } from "./health/ingest-metrics.js";
import { buildIngestServer } from "./http/ingest-server.js";
import { startIngest, type CameraChange, type Ingest } from "./ingest.js";

export interface IngestAdapters {
  logger: Logger;
  /** Opens the broker connection (camera status, MQTT frames, the alert service's list); ended on stop. */
  connectBroker(): Promise<MqttClient>;
  /** The cameras to run, and their later versions. */
  cameras: CameraList;
  /** Frames straight to an in-process inference (npm start); absent: over MQTT to the inference shards. */
  frameSink?: FrameSink;
  metrics?: IngestMetrics;
}

export interface IngestService {
  ingest: Ingest;
  metrics: IngestMetrics;
  /** The /metrics and /healthz port. */
  port: number;
}

const changed = (changes: CameraChange[]) => changes.filter((c) => c !== "unchanged" && c !== "not-this-shard").length;

export function composeIngest(env: IngestEnv, a: IngestAdapters): Composition<IngestService> {
  const { logger } = a;
  return composition(logger, async (stops) => {
    const mqtt = await a.connectBroker();
    stops.push("mqtt", () => mqtt.endAsync());
    mqtt.on("error", (err) => logger.warn({ err }, "mqtt error"));
    const metrics = a.metrics ?? new IngestMetrics();

    let frameSink = a.frameSink;
    let consumerUnavailable: ((cameraId: string) => string | undefined) | undefined;
    if (!frameSink) {
      const sink = createMqttFrameSink({
        mqtt,
        topicPrefix: env.MQTT_TOPIC_PREFIX,
        shardCount: env.FRAME_SHARDS,
        format: env.FRAME_FORMAT,
        jpegQuality: env.JPEG_QUALITY,
        inferenceGraceMs: env.INFERENCE_STATUS_GRACE_S * 1000,
        metrics,
        logger: logger.child({ module: "frames" }),
      });
      stops.push("frames", () => sink.close());
      frameSink = sink;
      // A camera whose shard no inference worker consumes shows as degraded, not online.
      consumerUnavailable = (id) => sink.consumerUnavailable(id);
    }

    const ingest = await startIngest({
      config: ingestConfigFromEnv(env, a.frameSink !== undefined),
      logger,
      mqtt,
      metrics,
      frameSink,
      ...(consumerUnavailable ? { consumerUnavailable } : {}),
      cameras: a.cameras.current(),
    });
    stops.push("ingest", () => ingest.close());

    const following = a.cameras.follow(async (list) => {
      try {
        const changes = await ingest.setCameras(list);
        logger.info({ cameras: list.length, changed: changed(changes) }, "camera list applied");
      } catch (err) {
        logger.error({ err }, "camera list not applied");
      }
    });
    stops.push("camera-list", () => following.close());

    // Cameras edited through the console arrive as the alert service's retained list; the latest
    // of the adapter's list and this one wins, so either can change the running set. The list
    // carries no credentials: the follower fetches them over the alert service's internal route.
    if (env.CAMERAS_FROM_MQTT) {
      const follower = createCamerasFollower({
        apply: async (list) => {
          const changes = await ingest.setCameras(list);
          logger.info({ cameras: list.length, changed: changed(changes) }, "camera list from the alert service applied");
        },
        ...(env.ALERTS_URL && env.INGEST_API_TOKEN ? { fetchCameras: internalCamerasFetcher({ alertsUrl: env.ALERTS_URL, token: env.INGEST_API_TOKEN }) } : {}),
        fileCameras: () => a.cameras.current(),
        logger: logger.child({ module: "camera-list" }),
      });
      stops.push("cameras-follower", () => follower.close());
      const topic = camerasConfigMessage.topic(env.MQTT_TOPIC_PREFIX);
      mqtt.on("message", (t, payload) => {
        if (t !== topic) return;
        const r = decodeCamerasConfig(payload);
        if (!r.ok) {
          metrics.configRejected.inc();
          logger.warn({ reason: r.reason }, "camera list from MQTT rejected");
          return;
        }
        void follower.onList(r.cameras).catch((err: unknown) => logger.error({ err }, "camera list from MQTT not applied"));
      });
      await mqtt.subscribeAsync(topic, { qos: 1 });
    }

    // Live view and clips are served to the alert service only, with the service token.
    const server = buildIngestServer({ logger, registry: metrics.registry, status: () => ingest.status(), ...(env.INGEST_API_TOKEN ? { media: { ingest, token: env.INGEST_API_TOKEN } } : {}) });
    await server.listen({ port: env.INGEST_PORT, host: env.INGEST_HOST });
    stops.push("http", () => server.close());
    const address = server.server.address();
    return { ingest, metrics, port: typeof address === "object" && address ? address.port : env.INGEST_PORT };
  });
}
