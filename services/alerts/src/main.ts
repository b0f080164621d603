import { createLogger, createStopStack, loadCamerasFile, loadEnvOrExit, stopOnSignals } from "@vigil/contracts/node";
import { loadAlertsEnv } from "./env.js";
import { composeAlerts, openAlertsDatabase } from "./compose.js";
import { createAlertsMetrics } from "./metrics.js";

// `npm run start:alerts`: env → logger → adapters (database, cameras file) → composeAlerts → start → signals.
async function main(): Promise<void> {
  const env = loadEnvOrExit(loadAlertsEnv);
  const logger = createLogger({ name: "alerts", level: env.LOG_LEVEL });
  const stops = createStopStack(logger);
  const db = await openAlertsDatabase(env);
  stops.push("database", () => db.close());
  const cameras = env.CAMERAS_FILE ? await loadCamerasFile(env.CAMERAS_FILE) : undefined;
  const service = composeAlerts(env, { logger, db, metrics: createAlertsMetrics({ defaultMetrics: true }), ...(cameras && env.CAMERAS_FILE ? { cameras, camerasFile: env.CAMERAS_FILE } : {}) });
  stops.push("alerts", () => service.stop());
  const alerts = await service.start();
  logger.info({ url: alerts.url, database: db.kind }, "alert service ready");
  stopOnSignals({ logger, stop: () => stops.stopAll(), forceAfterMs: 10_000 });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
