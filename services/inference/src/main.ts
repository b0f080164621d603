import { hostname } from "node:os";
import mqtt from "mqtt";
import { createLogger, loadEnvOrExit } from "@vigil/contracts/node";
import { buildInferenceApp } from "./app.js";
import { inferenceConfigFromEnv, shardFromEnv } from "./config.js";
import { loadInferenceEnv } from "./env.js";
import { startInference } from "./inference.js";
import { ShardPresence } from "./intake/shard-presence.js";
import { InferenceMetrics } from "./metrics.js";

/** Composition root: env → logger → MQTT → models and stages → HTTP; shutdown in reverse. */
async function main(): Promise<void> {
  const env = loadEnvOrExit(loadInferenceEnv);
  const logger = createLogger({ name: "inference", level: env.LOG_LEVEL });
  const { index, count } = shardFromEnv(env);
  // Consuming frames from MQTT: ingest learns whether this shard is served from our retained status and will.
  const presence = env.FRAMES_FROM_MQTT ? new ShardPresence({ topicPrefix: env.MQTT_TOPIC_PREFIX, shard: { index, count }, instance: `${hostname()}:${process.pid}`, logger }) : null;
  const client = mqtt.connect(env.MQTT_URL ?? "mqtt://127.0.0.1:1883", {
    clientId: `vigil-inference-${process.pid}`,
    reconnectPeriod: 2000,
    connectTimeout: 5000,
    // Short (5 s by default, see env.ts) so that the broker sends our will soon after a silent death.
    keepalive: env.MQTT_KEEPALIVE_S,
    ...(presence ? { will: presence.will() } : {}),
  });
  client.on("error", (err) => logger.warn({ err }, "mqtt error"));
  const metrics = new InferenceMetrics(true);
  const inference = await startInference(
    inferenceConfigFromEnv(env),
    { logger, mqtt: client, metrics },
  );
  // Only now are frames subscribed: "online" means they are being taken.
  presence?.attach(client);
  const app = await buildInferenceApp({ analyze: (img) => inference.analyze(img), metrics, logger, health: () => ({ plateDetector: inference.plateDetector, mqtt: client.connected }) });
  await app.listen({ port: env.INFERENCE_PORT, host: env.INFERENCE_HOST });
  logger.info({ port: env.INFERENCE_PORT }, "inference listening");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await inference.close();
    await presence?.withdraw();
    await client.endAsync();
    clearTimeout(force);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  // A start-up failure (models that will not load, a port in use) ends the process with its reason.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
