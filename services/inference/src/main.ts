import mqtt from "mqtt";
import { createLogger, createStopStack, loadEnvOrExit, stopOnSignals } from "@vigil/contracts/node";
import { composeInference } from "./compose.js";
import { loadInferenceEnv } from "./env.js";

// env → logger → the broker adapter → composeInference (models, stages, HTTP) → start → signals.
async function main(): Promise<void> {
  const env = loadEnvOrExit(loadInferenceEnv);
  const logger = createLogger({ name: "inference", level: env.LOG_LEVEL });
  const stops = createStopStack(logger);
  const service = composeInference(env, {
    logger,
    // Not connectAsync: the service starts (and serves analyze) while the broker is still unreachable.
    connectBroker: async ({ keepaliveS, will }) =>
      mqtt.connect(env.MQTT_URL ?? "mqtt://127.0.0.1:1883", { clientId: `vigil-inference-${process.pid}`, reconnectPeriod: 2000, connectTimeout: 5000, keepalive: keepaliveS, ...(will ? { will } : {}) }),
  });
  stops.push("inference", () => service.stop());
  await service.start();
  stopOnSignals({ logger, stop: () => stops.stopAll(), forceAfterMs: 10_000 });
}

main().catch((err: unknown) => {
  // A start-up failure (models that will not load, a port in use) ends the process with its reason.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
