/**
 * Standalone ingest (`npm run start:ingest`): cameras from CAMERAS_FILE (reloaded on change) and
 * from the alert service's list (MQTT, credentials fetched over its internal HTTP route),
 * this instance's share of them by INGEST_SHARD, frames to inference as JPEG over MQTT on
 * `{prefix}/frames/{shard}`, camera status retained on MQTT, /metrics and /healthz on INGEST_PORT.
 */
import mqtt from "mqtt";
import { camerasConfigMessage } from "@vigil/contracts";
import { createLogger, loadEnvOrExit } from "@vigil/contracts/node";
import { loadIngestEnv } from "./env.js";
import { loadCamerasFile, watchCamerasFile } from "./config/cameras-file.js";
import { decodeCamerasConfig } from "./config/cameras-topic.js";
import { createCamerasFollower, internalCamerasFetcher } from "./config/cameras-follower.js";
import { createMqttFrameSink } from "./handoff/mqtt-frame-sink.js";
import { IngestMetrics } from "./health/ingest-metrics.js";
import { buildIngestServer } from "./http/ingest-server.js";
import { startIngest } from "./ingest.js";
import { ingestConfigFromEnv } from "./config/ingest-config.js";

async function main(): Promise<void> {
  const env = loadEnvOrExit(loadIngestEnv);
  const logger = createLogger({ name: "ingest", level: env.LOG_LEVEL });
  let cameras = await loadCamerasFile(env.CAMERAS_FILE);

  const client = await mqtt.connectAsync(env.MQTT_URL, { clientId: `vigil-ingest-${process.pid}`, reconnectPeriod: 2000 });
  client.on("error", (err) => logger.warn({ err }, "mqtt error"));
  const metrics = new IngestMetrics();
  const frameSink = createMqttFrameSink({
    mqtt: client,
    topicPrefix: env.MQTT_TOPIC_PREFIX,
    shardCount: env.FRAME_SHARDS,
    format: env.FRAME_FORMAT,
    jpegQuality: env.JPEG_QUALITY,
    inferenceGraceMs: env.INFERENCE_STATUS_GRACE_S * 1000,
    metrics,
    logger: logger.child({ module: "frames" }),
  });
  const ingest = await startIngest({
    config: ingestConfigFromEnv(env),
    logger,
    mqtt: client,
    metrics,
    frameSink,
    // A camera whose shard no inference worker consumes shows as degraded, not online.
    consumerUnavailable: (id) => frameSink.consumerUnavailable(id),
    cameras,
  });

  const watcher = watchCamerasFile(env.CAMERAS_FILE, () => {
    loadCamerasFile(env.CAMERAS_FILE)
      .then((next) => {
        cameras = next;
        return ingest.setCameras(next);
      })
      .then((changes) => logger.info({ changes: changes.filter((c) => c !== "unchanged" && c !== "not-this-shard").length }, "cameras file reloaded"))
      // A half-written or invalid file keeps the running cameras as they are.
      .catch((err: unknown) => logger.error({ err }, "cameras file not reloaded"));
  });

  // Cameras edited through the console arrive as the alert service's retained list; the latest
  // of file and list wins, so either can change the running set. The list carries no credentials:
  // the follower fetches them over the alert service's internal route (ALERTS_URL + INGEST_API_TOKEN).
  const follower = createCamerasFollower({
    apply: async (list) => {
      const changes = await ingest.setCameras(list);
      logger.info({ cameras: list.length, changed: changes.filter((c) => c !== "unchanged" && c !== "not-this-shard").length }, "camera list from the alert service applied");
    },
    ...(env.ALERTS_URL && env.INGEST_API_TOKEN ? { fetchCameras: internalCamerasFetcher({ alertsUrl: env.ALERTS_URL, token: env.INGEST_API_TOKEN }) } : {}),
    fileCameras: () => cameras,
    logger: logger.child({ module: "camera-list" }),
  });
  if (env.CAMERAS_FROM_MQTT) {
    const topic = camerasConfigMessage.topic(env.MQTT_TOPIC_PREFIX);
    client.on("message", (t, payload) => {
      if (t !== topic) return;
      const r = decodeCamerasConfig(payload);
      if (!r.ok) {
        metrics.configRejected.inc();
        logger.warn({ reason: r.reason }, "camera list from MQTT rejected");
        return;
      }
      void follower.onList(r.cameras).catch((err: unknown) => logger.error({ err }, "camera list from MQTT not applied"));
    });
    await client.subscribeAsync(topic, { qos: 1 });
  }

  const server = buildIngestServer({ logger, registry: metrics.registry, status: () => ingest.status() });
  await server.listen({ port: env.INGEST_PORT, host: env.INGEST_HOST });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    watcher.close();
    follower.close();
    await server.close();
    await ingest.close();
    await frameSink.close();
    await client.endAsync();
    clearTimeout(force);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  // Start-up failures (cameras file, ffmpeg path) come before anything is logged: the message alone says what to fix.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
