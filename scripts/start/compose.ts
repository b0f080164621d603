/**
 * The composition behind `npm start`: broker (aedes unless an MQTT URL is given) → database (PGlite
 * unless a PostgreSQL URL) → alerts → inference → ingest (frames handed in-process, no copies),
 * each built from its own exported service root and its own env loader, with the embedded defaults
 * filled in. `scripts/start.ts` runs it; benchmarks and integration tests that play real footage
 * through "the system as npm start runs it" (test/support/real-pipeline.ts) run the same function,
 * so the two cannot drift apart.
 */
import { join } from "node:path";
import { hostname } from "node:os";
import mqtt, { type MqttClient } from "mqtt";
import { camerasFileSchema, type CameraConfigInput, type FrameSink } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { configFromEnv, createPgDatabase, createPgliteDatabase, loadAlertsEnv, startAlerts, type AlertsEnv, type AlertsService } from "@vigil/alerts";
import { buildInferenceApp, inferenceConfigFromEnv, InferenceMetrics, loadInferenceEnv, startInference, type Inference, type InferenceEnv } from "@vigil/inference";
import { ingestConfigFromEnv, IngestMetrics, loadIngestEnv, startIngest, type Ingest } from "@vigil/ingest";
import { startEmbeddedBroker } from "./embedded-broker.js";

export interface ComposeOptions {
  /** The environment handed on to the services' env loaders (npm start: process.env). */
  environment: Record<string, string | undefined>;
  /** Where the embedded database, outbox and fire feedback live unless the environment says otherwise. */
  dataDir: string;
  mediaDir: string;
  modelsDir: string;
  mqttUrl?: string;
  /** Port for the embedded broker when `mqttUrl` is absent (0: a free one). */
  mqttPort?: number;
  databaseUrl?: string;
  /** Shown to the services as CAMERAS_FILE (the file's path, or "(demo)"). */
  camerasSource: string;
  /** Seeded into the alert service; ingest runs what the alert service then stores. */
  cameras: CameraConfigInput[];
  logger: Logger;
  /** Around inference's frame sink (observers in tests); default: frames go straight to inference. */
  wrapFrameSink?: (sink: FrameSink) => FrameSink;
  /** "stored" (npm start): ingest starts the stored cameras; "none": the caller adds cameras itself. */
  startCameras?: "stored" | "none";
  onGeneratedAdminPassword?: (password: string) => void;
}

export interface Composition {
  mqttUrl: string;
  alertsEnv: AlertsEnv;
  inferenceEnv: InferenceEnv;
  alerts: AlertsService;
  inference: Inference;
  ingest: Ingest;
  /** Stops everything in the reverse order of start-up; a failing step is logged, the rest still run. */
  close(): Promise<void>;
}

export async function connectMqtt(url: string, name: string): Promise<MqttClient> {
  // The random suffix lets two compositions (tests) share one broker without taking each other's session.
  return mqtt.connectAsync(url, { clientId: `vigil-${name}-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`.slice(0, 64), reconnectPeriod: 1000, connectTimeout: 10_000 });
}

export async function composeVigil(o: ComposeOptions): Promise<Composition> {
  const { logger } = o;
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const close = async () => {
    for (const step of stops.splice(0).reverse()) await step.stop().catch((err: unknown) => logger.warn({ err, step: step.name }, "stop step failed"));
  };
  try {
    let mqttUrl = o.mqttUrl;
    if (!mqttUrl) {
      const broker = await startEmbeddedBroker(o.mqttPort ?? 0);
      stops.push({ name: "broker", stop: () => broker.close() });
      mqttUrl = broker.url;
      logger.info({ url: mqttUrl }, "embedded MQTT broker (aedes, MQTT 3.1.1) started");
    }

    // Every service reads its own settings from the same environment, with the embedded defaults filled in.
    const env = o.environment;
    const serviceEnv: Record<string, string | undefined> = {
      ...env,
      MQTT_URL: mqttUrl,
      MEDIA_DIR: o.mediaDir,
      PGLITE_DIR: env.PGLITE_DIR ?? join(o.dataDir, "pglite"),
      OUTBOX_DIR: env.OUTBOX_DIR ?? join(o.dataDir, "outbox"),
      FIRE_FEEDBACK_DIR: env.FIRE_FEEDBACK_DIR ?? join(o.dataDir, "fire-feedback"),
      // Without CAMERA_SECRETS_KEY the key that encrypts camera credentials is generated once and kept here (0600).
      CAMERA_SECRETS_KEY_FILE: env.CAMERA_SECRETS_KEY_FILE ?? join(o.dataDir, "camera-secrets.key"),
      MODELS_DIR: o.modelsDir,
      FRAMES_FROM_MQTT: "false",
      CAMERAS_FILE: o.camerasSource,
    };
    const alertsEnv = loadAlertsEnv(serviceEnv);
    const inferenceEnv = loadInferenceEnv(serviceEnv);
    const ingestEnv = loadIngestEnv(serviceEnv);

    const db = o.databaseUrl ? createPgDatabase(o.databaseUrl) : await createPgliteDatabase(alertsEnv.PGLITE_DIR);
    stops.push({ name: "database", stop: () => db.close() });
    // Until ingest runs, the hook only records the stored list (alerts seeds the database and reports it).
    let storedCameras: CameraConfigInput[] = o.cameras;
    let onCamerasChanged = async (list: CameraConfigInput[]): Promise<void> => {
      storedCameras = list;
    };
    const alerts = await startAlerts({
      config: configFromEnv(alertsEnv, hostname()),
      logger: logger.child({ service: "alerts" }),
      db,
      cameras: camerasFileSchema.parse(o.cameras),
      onCamerasChanged: (list) => onCamerasChanged(list),
      ...(o.onGeneratedAdminPassword ? { onGeneratedAdminPassword: o.onGeneratedAdminPassword } : {}),
    });
    stops.push({ name: "alerts", stop: () => alerts.close() });

    // Inference in this process: ingest calls its frame sink directly.
    const inferenceMqtt = await connectMqtt(mqttUrl, "inference");
    stops.push({ name: "inference-mqtt", stop: () => inferenceMqtt.endAsync() });
    const inferenceMetrics = new InferenceMetrics(false);
    const inference = await startInference(
      // The service's own env → config mapping (FRAMES_FROM_MQTT is pinned off above).
      inferenceConfigFromEnv(inferenceEnv),
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
      config: ingestConfigFromEnv(ingestEnv),
      logger: logger.child({ service: "ingest" }),
      mqtt: ingestMqtt,
      metrics: new IngestMetrics(),
      frameSink: o.wrapFrameSink ? o.wrapFrameSink(inference.frameSink) : inference.frameSink,
      cameras: (o.startCameras ?? "stored") === "stored" ? storedCameras : [],
    });
    stops.push({ name: "ingest", stop: () => ingest.close() });
    if ((o.startCameras ?? "stored") === "stored") {
      onCamerasChanged = async (list) => {
        await ingest.setCameras(list);
      };
    }
    return { mqttUrl, alertsEnv, inferenceEnv, alerts, inference, ingest, close };
  } catch (err) {
    await close();
    throw err;
  }
}
