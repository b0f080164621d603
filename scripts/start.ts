/**
 * `npm start`: the whole of Vigil in one process on embedded defaults.
 *
 * Composition root: env → logger → broker (aedes unless MQTT_URL) → database (PGlite unless
 * DATABASE_URL) → alerts → inference → ingest (frames handed in-process, no copies) → demo watchlist.
 * Ctrl-C stops them in reverse order: cameras first, then inference drains its outbox, then alerts
 * flushes its batch writer, then the database and the broker.
 *
 * One process rather than three children: measured here, it saves two Node runtimes (~60 MB RSS each)
 * and lets ingest hand RGB frames to inference by reference instead of through a socket.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { camerasFileSchema, toPlateKey, type CameraConfigInput } from "@vigil/contracts";
import { createLogger, EnvError, type Logger } from "@vigil/contracts/node";
import { configFromEnv, createPgDatabase, createPgliteDatabase, loadAlertsEnv, startAlerts } from "@vigil/alerts";
import { buildInferenceApp, InferenceMetrics, loadInferenceEnv, startInference } from "@vigil/inference";
import { IngestMetrics, loadCamerasFile, loadIngestEnv, resolveFfmpegPath, startIngest } from "@vigil/ingest";
import { startEmbeddedBroker } from "./start/embedded-broker.js";
import { prepareDemoCameras } from "./start/demo.js";
import { loadStartEnv } from "./start/env.js";

const startedAt = Date.now();

async function connectMqtt(url: string, name: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `vigil-${name}-${hostname()}-${process.pid}`.slice(0, 64), reconnectPeriod: 1000, connectTimeout: 10_000 });
}

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

  // Broker.
  let mqttUrl = env.MQTT_URL;
  if (!mqttUrl) {
    const broker = await startEmbeddedBroker();
    stops.push({ name: "broker", stop: () => broker.close() });
    mqttUrl = broker.url;
    logger.info({ url: mqttUrl }, "embedded MQTT broker (aedes, MQTT 3.1.1) started");
  }

  // Every service reads its own settings from the same environment, with the embedded defaults filled in.
  const serviceEnv: Record<string, string | undefined> = {
    ...passThrough,
    MQTT_URL: mqttUrl,
    MEDIA_DIR: mediaDir,
    PGLITE_DIR: passThrough.PGLITE_DIR ?? join(dataDir, "pglite"),
    OUTBOX_DIR: passThrough.OUTBOX_DIR ?? join(dataDir, "outbox"),
    FIRE_FEEDBACK_DIR: passThrough.FIRE_FEEDBACK_DIR ?? join(dataDir, "fire-feedback"),
    MODELS_DIR: env.MODELS_DIR,
    FRAMES_FROM_MQTT: "false",
    CAMERAS_FILE: env.CAMERAS_FILE ?? "(demo)",
  };
  const alertsEnv = loadAlertsEnv(serviceEnv);
  const inferenceEnv = loadInferenceEnv(serviceEnv);
  const ingestEnv = loadIngestEnv(serviceEnv);

  // Cameras: the file when given, otherwise the generated demo scenes.
  let cameras: CameraConfigInput[];
  if (env.CAMERAS_FILE) {
    cameras = await loadCamerasFile(env.CAMERAS_FILE);
  } else {
    cameras = await prepareDemoCameras(dataDir, env.DEMO_WANTED_PLATE, logger);
  }

  // Database and alerts.
  const db = env.DATABASE_URL ? createPgDatabase(env.DATABASE_URL) : await createPgliteDatabase(alertsEnv.PGLITE_DIR);
  stops.push({ name: "database", stop: () => db.close() });
  let generatedPassword: string | undefined;
  // Until ingest runs, the hook only records the stored list (alerts seeds the database and reports it).
  let storedCameras: CameraConfigInput[] = cameras;
  let onCamerasChanged = async (list: CameraConfigInput[]): Promise<void> => {
    storedCameras = list;
  };
  const alerts = await startAlerts({
    config: configFromEnv(alertsEnv, hostname()),
    logger: logger.child({ service: "alerts" }),
    db,
    cameras: camerasFileSchema.parse(cameras),
    onCamerasChanged: (list) => onCamerasChanged(list),
    onGeneratedAdminPassword: (p) => (generatedPassword = p),
  });
  stops.push({ name: "alerts", stop: () => alerts.close() });

  // Inference, in this process: ingest calls its frame sink directly.
  const inferenceMqtt = await connectMqtt(mqttUrl, "inference");
  stops.push({ name: "inference-mqtt", stop: () => inferenceMqtt.endAsync() });
  const inferenceMetrics = new InferenceMetrics(false);
  const inference = await startInference(
    {
      modelsDir: inferenceEnv.MODELS_DIR,
      mediaDir,
      outboxDir: inferenceEnv.OUTBOX_DIR,
      outboxMaxEvents: inferenceEnv.OUTBOX_MAX_EVENTS,
      topicPrefix: inferenceEnv.MQTT_TOPIC_PREFIX,
      threads: inferenceEnv.ONNX_THREADS,
      workers: inferenceEnv.INFERENCE_WORKERS,
    },
    { logger: logger.child({ service: "inference" }), mqtt: inferenceMqtt, metrics: inferenceMetrics },
  );
  stops.push({ name: "inference", stop: () => inference.close() });
  const inferenceApp = await buildInferenceApp({ analyze: (img) => inference.analyze(img), metrics: inferenceMetrics, health: () => ({ plateDetector: inference.plateDetector }) });
  await inferenceApp.listen({ port: inferenceEnv.INFERENCE_PORT, host: alertsEnv.HOST });
  stops.push({ name: "inference-http", stop: () => inferenceApp.close() });

  // Ingest: runs the cameras stored by the alert service (seeded from the file/demo; edited in the console).
  const ingestMqtt = await connectMqtt(mqttUrl, "ingest");
  stops.push({ name: "ingest-mqtt", stop: () => ingestMqtt.endAsync() });
  const ingest = await startIngest({
    config: { topicPrefix: ingestEnv.MQTT_TOPIC_PREFIX, outputWidth: ingestEnv.INGEST_FRAME_WIDTH, ffmpegPath: resolveFfmpegPath(ingestEnv.FFMPEG_PATH, ingestEnv.PATH) },
    logger: logger.child({ service: "ingest" }),
    mqtt: ingestMqtt,
    metrics: new IngestMetrics(),
    frameSink: inference.frameSink,
    cameras: storedCameras,
  });
  stops.push({ name: "ingest", stop: () => ingest.close() });
  onCamerasChanged = async (list) => {
    await ingest.setCameras(list);
  };

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
