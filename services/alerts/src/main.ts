import { hostname } from "node:os";
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { parseCamerasFile, type CameraConfig } from "@vigil/contracts";
import { createLogger, loadEnvOrExit } from "@vigil/contracts/node";
import { loadAlertsEnv } from "./env.js";
import { configFromEnv } from "./config.js";
import { createPgDatabase, createPgliteDatabase } from "./storage/database.js";
import { startAlerts } from "./app.js";
import { createAlertsMetrics } from "./metrics.js";

// Composition root for `npm run start:alerts`: env → logger → database → service → graceful shutdown.
async function main(): Promise<void> {
  const env = loadEnvOrExit(loadAlertsEnv);
  const logger = createLogger({ name: "alerts", level: env.LOG_LEVEL });
  const db = env.DATABASE_URL ? createPgDatabase(env.DATABASE_URL) : await createPgliteDatabase(env.PGLITE_DIR);
  let cameras: CameraConfig[] | undefined;
  if (env.CAMERAS_FILE) {
    const text = await readFile(env.CAMERAS_FILE, "utf8");
    cameras = parseCamerasFile(parseYaml(text), env.CAMERAS_FILE);
  }
  const service = await startAlerts({ config: configFromEnv(env, hostname()), logger, db, metrics: createAlertsMetrics({ defaultMetrics: true }), ...(cameras ? { cameras } : {}) });
  logger.info({ url: service.url, database: db.kind }, "alert service ready");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await service.close().catch((err: unknown) => logger.error({ err }, "closing the service failed"));
    await db.close().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
