/**
 * Standalone ingest (`npm run start:ingest`): cameras from CAMERAS_FILE (reloaded on change) and
 * from the alert service's list (MQTT, credentials fetched over its internal HTTP route),
 * this instance's share of them by INGEST_SHARD, frames to inference as JPEG over MQTT on
 * `{prefix}/frames/{shard}`, camera status retained on MQTT, /metrics and /healthz on INGEST_PORT.
 */
import mqtt from "mqtt";
import { createLogger, createStopStack, loadEnvOrExit, stopOnSignals } from "@vigil/contracts/node";
import { loadIngestEnv } from "./env.js";
import { camerasFileList } from "./config/camera-list.js";
import { composeIngest } from "./compose.js";

// env → logger → adapters (the broker, the watched cameras file) → composeIngest → start → signals.
async function main(): Promise<void> {
  const env = loadEnvOrExit(loadIngestEnv);
  const logger = createLogger({ name: "ingest", level: env.LOG_LEVEL });
  const stops = createStopStack(logger);
  const cameras = await camerasFileList(env.CAMERAS_FILE, logger);
  stops.push("cameras-file", () => cameras.close());
  const service = composeIngest(env, {
    logger,
    connectBroker: () => mqtt.connectAsync(env.MQTT_URL, { clientId: `vigil-ingest-${process.pid}`, reconnectPeriod: 2000 }),
    cameras,
  });
  stops.push("ingest", () => service.stop());
  const { port } = await service.start();
  logger.info({ port, cameras: cameras.current().length }, "ingest ready");
  stopOnSignals({ logger, stop: () => stops.stopAll(), forceAfterMs: 10_000 });
}

main().catch((err: unknown) => {
  // Start-up failures (cameras file, ffmpeg path) come before anything is logged: the message alone says what to fix.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
