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
import { existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { toPlateKey, type CameraConfigInput } from "@vigil/contracts";
import { createLogger, EnvError, type Logger } from "@vigil/contracts/node";
import { loadAlertsEnv } from "@vigil/alerts";
import { loadCamerasFile } from "@vigil/ingest";
import { composeVigil } from "./start/compose.js";
import { prepareDemoCameras } from "./start/demo.js";
import { loadStartEnv } from "./start/env.js";

const startedAt = Date.now();

/** Builds web-console/dist with Vite when it is missing (first run after `npm ci`). */
async function ensureConsoleBuilt(consoleDir: string, logger: Logger): Promise<void> {
  if (existsSync(join(consoleDir, "index.html"))) return;
  const started = Date.now();
  await new Promise<void>((resolveBuild) => {
    const child = spawn(process.execPath, [resolve("node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], { cwd: resolve("web-console"), stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => {
      logger.warn({ err: e }, "could not build the console");
      resolveBuild();
    });
    child.on("exit", (code) => {
      if (code === 0) logger.info({ ms: Date.now() - started }, "console built");
      else logger.warn({ code, stderr: err.slice(-2000) }, "console build failed; the API still runs");
      resolveBuild();
    });
  });
}

async function main(): Promise<void> {
  const { env, passThrough } = loadStartEnv();
  const logger = createLogger({ name: "vigil", level: env.LOG_LEVEL });
  const dataDir = resolve(env.DATA_DIR);
  const mediaDir = passThrough.MEDIA_DIR ?? join(dataDir, "media");
  await mkdir(mediaDir, { recursive: true });

  // Shutdown steps in the reverse order of start-up, each bounded in time.
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping Vigil");
    const force = setTimeout(() => {
      logger.error("shutdown took longer than 20 s; exiting");
      process.exit(1);
    }, 20_000);
    force.unref();
    for (const step of stops.reverse()) {
      await step.stop().catch((err: unknown) => logger.warn({ err, step: step.name }, "stop step failed"));
    }
    clearTimeout(force);
    process.stdout.write("Vigil stopped cleanly\n");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT")); // `on`, not `once`: tsx relays a terminal Ctrl-C, so it can arrive twice
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  // A fresh checkout has no built console: build it in the background while the services start.
  const consoleBuilt = ensureConsoleBuilt(loadAlertsEnv({ ...passThrough, CAMERAS_FILE: undefined }).CONSOLE_DIR, logger);

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
    logger,
    onGeneratedAdminPassword: (p) => (generatedPassword = p),
  });
  stops.push({ name: "vigil", stop: () => vigil.close() });
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
