/**
 * `npm start`: the whole of Vigil in one process on embedded defaults.
 *
 * Composition root: env → logger → cameras (file or demo) → composeVigil (start/compose.ts: broker,
 * database, alerts, inference, ingest) → demo watchlist.
 * Ctrl-C stops them in reverse order: cameras first, then inference drains its outbox, then alerts
 * flushes its batch writer, then the database and the broker.
 *
 * One process rather than three children: measured here, it saves two Node runtimes (~60 MB RSS each)
 * and lets ingest hand RGB frames to inference by reference instead of through a socket.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { toPlateKey, type CameraConfigInput } from "@vigil/contracts";
import { createLogger, createStopStack, EnvError, loadCamerasFile, stopOnSignals } from "@vigil/contracts/node";
import { ensureConsoleBuilt } from "@vigil/web-console/ensure-built";
import { composeVigil } from "./start/compose.js";
import { prepareDemoCameras } from "./start/demo.js";
import { loadStartEnv } from "./start/env.js";

const startedAt = Date.now();

async function main(): Promise<void> {
  const { env, passThrough } = loadStartEnv();
  const logger = createLogger({ name: "vigil", level: env.LOG_LEVEL });
  const dataDir = resolve(env.DATA_DIR);
  const mediaDir = passThrough.MEDIA_DIR ?? join(dataDir, "media");
  await mkdir(mediaDir, { recursive: true });

  // Shutdown steps in the reverse order of start-up, bounded in time.
  const stops = createStopStack(logger);
  stopOnSignals({ logger, stop: () => stops.stopAll(), forceAfterMs: 20_000, onStopped: () => process.stdout.write("Vigil stopped cleanly\n") });

  // A fresh checkout has no built console, or one older than its sources: build it in the background while the services start.
  const consoleBuilt = ensureConsoleBuilt({ root: resolve("web-console") }).then(
    (r) => (r.built ? logger.info({ ms: r.ms }, "console built") : undefined),
    (err: unknown) => logger.warn({ err }, "console build failed; the API still runs"),
  );

  // Cameras: the file when given, otherwise the generated demo scenes.
  const cameras: CameraConfigInput[] = env.CAMERAS_FILE ? await loadCamerasFile(env.CAMERAS_FILE) : await prepareDemoCameras(dataDir, env.DEMO_WANTED_PLATE, logger);

  let generatedPassword: string | undefined;
  const vigil = await composeVigil({
    environment: passThrough,
    dataDir,
    mediaDir,
    modelsDir: env.MODELS_DIR,
    ...(env.MQTT_URL ? { mqttUrl: env.MQTT_URL } : { mqttPort: env.MQTT_PORT }),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    camerasSource: env.CAMERAS_FILE ?? "(demo)",
    cameras,
    // Edits to the file apply while running (the alert service follows it; ingest follows the alert service).
    ...(env.CAMERAS_FILE ? { camerasFile: env.CAMERAS_FILE } : {}),
    logger,
    onGeneratedAdminPassword: (p) => (generatedPassword = p),
  });
  stops.push("vigil", () => vigil.close());
  const { alerts, alertsEnv, inferenceEnv } = vigil;

  // The demo's wanted plate.
  if (!env.CAMERAS_FILE) {
    const existing = await alerts.watchlist.list();
    if (!existing.some((e) => e.plate === toPlateKey(env.DEMO_WANTED_PLATE))) {
      await alerts.watchlist.add({ plate: env.DEMO_WANTED_PLATE, reason: "Demo: xe liên quan vụ cướp giật (truy nã)", priority: "critical" }, "system");
    }
  }

  const url = `http://${alertsEnv.HOST}:${alerts.port}`;
  const lines = [
    "",
    `  Vigil is running — console: ${url}`,
    generatedPassword
      ? `  Log in as admin with the generated password: ${generatedPassword}  (shown once; also saved to ${join(dataDir, "initial-admin-password")})`
      : env.VIGIL_ADMIN_PASSWORD
        ? "  Log in as admin with the password in VIGIL_ADMIN_PASSWORD."
        : `  Log in as admin (password printed on the first start; see ${join(dataDir, "initial-admin-password")} if you kept it).`,
    `  Cameras: ${cameras.length}${env.CAMERAS_FILE ? "" : ` demo (wanted plate ${env.DEMO_WANTED_PLATE})`} · analyze API: http://${alertsEnv.HOST}:${inferenceEnv.INFERENCE_PORT}/api/v1/analyze · Ctrl-C stops`,
    `  Ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    "",
  ];
  if (generatedPassword) {
    const file = join(dataDir, "initial-admin-password");
    await writeFile(file, `${generatedPassword}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  await consoleBuilt;
  process.stdout.write(lines.join("\n") + "\n");
  logger.info({ url, readyMs: Date.now() - startedAt, cameras: cameras.length }, "vigil ready");
}

main().catch((err: unknown) => {
  if (err instanceof EnvError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
