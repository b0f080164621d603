/**
 * The composition behind `npm start`: the services' own compose functions (composeAlerts,
 * composeInference, composeIngest — the same ones their main.ts files run), with the embedded
 * adapters swapped in: the aedes broker unless an MQTT URL is given, PGlite unless a PostgreSQL URL,
 * the demo (or file) cameras seeded into the alert service, and frames handed from ingest to
 * inference in-process. Nothing here maps env to config or wires a stage: new wiring belongs in the
 * service's compose.ts. `scripts/start.ts` runs this; benchmarks and integration tests that play
 * real footage through "the system as npm start runs it" (test/support/real-pipeline.ts) run the
 * same function, so the two cannot drift apart.
 */
import { join } from "node:path";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import { camerasFileSchema, type CameraConfigInput, type FrameSink } from "@vigil/contracts";
import { composition, type Logger } from "@vigil/contracts/node";
import { composeAlerts, loadAlertsEnv, openAlertsDatabase, type AlertsEnv, type AlertsService } from "@vigil/alerts";
import { composeInference, InferenceMetrics, loadInferenceEnv, type BrokerOptions, type Inference, type InferenceEnv } from "@vigil/inference";
import { composeIngest, createCameraList, loadIngestEnv, type Ingest } from "@vigil/ingest";
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
  /** CAMERAS_FILE's path when `cameras` came from it: the alert service follows its edits while running. */
  camerasFile?: string;
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

export async function connectMqtt(url: string, name: string, will?: BrokerOptions["will"]): Promise<MqttClient> {
  // The random suffix lets two compositions (tests) share one broker without taking each other's session.
  return mqtt.connectAsync(url, {
    clientId: `vigil-${name}-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`.slice(0, 64),
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(will ? { will } : {}),
  });
}

export async function composeVigil(o: ComposeOptions): Promise<Composition> {
  const { logger } = o;
  const vigil = composition(logger, async (stops) => {
    let mqttUrl = o.mqttUrl;
    if (!mqttUrl) {
      const broker = await startEmbeddedBroker(o.mqttPort ?? 0);
      stops.push("broker", () => broker.close());
      mqttUrl = broker.url;
      logger.info({ url: mqttUrl }, "embedded MQTT broker (aedes, MQTT 3.1.1) started");
    }

    const brokerUrl = mqttUrl;
    // Every service reads its own settings from the same environment, with the embedded defaults filled in.
    const env = o.environment;
    const serviceEnv: Record<string, string | undefined> = {
      ...env,
      MQTT_URL: mqttUrl,
      ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
      MEDIA_DIR: o.mediaDir,
      PGLITE_DIR: env.PGLITE_DIR ?? join(o.dataDir, "pglite"),
      OUTBOX_DIR: env.OUTBOX_DIR ?? join(o.dataDir, "outbox"),
      FIRE_FEEDBACK_DIR: env.FIRE_FEEDBACK_DIR ?? join(o.dataDir, "fire-feedback"),
      // The street map: the first *.mbtiles dropped here (README, "Street map").
      MAP_DIR: env.MAP_DIR ?? join(o.dataDir, "map"),
      // Without CAMERA_SECRETS_KEY the key that encrypts camera credentials is generated once and kept here (0600).
      CAMERA_SECRETS_KEY_FILE: env.CAMERA_SECRETS_KEY_FILE ?? join(o.dataDir, "camera-secrets.key"),
      // Without EXPORT_SIGNING_KEY_FILE the key that signs case exports is generated once and kept here (0600).
      EXPORT_SIGNING_KEY_FILE: env.EXPORT_SIGNING_KEY_FILE ?? join(o.dataDir, "export-signing.key"),
      MODELS_DIR: o.modelsDir,
      // One process: frames go to inference by reference, and ingest follows the alert service's list in-process.
      FRAMES_FROM_MQTT: "false",
      CAMERAS_FROM_MQTT: "false",
      CAMERAS_FILE: o.camerasSource,
      // Live view and clips: the alert service calls ingest's internal routes with this token (a fresh one per start unless set).
      INGEST_API_TOKEN: env.INGEST_API_TOKEN ?? randomBytes(32).toString("hex"),
    };
    const alertsEnv = loadAlertsEnv(serviceEnv);
    // Everything listens where the console does (HOST, 127.0.0.1 by default) unless told otherwise.
    serviceEnv.INFERENCE_HOST ??= alertsEnv.HOST;
    serviceEnv.INGEST_HOST ??= alertsEnv.HOST;
    const inferenceEnv = loadInferenceEnv(serviceEnv);
    const ingestEnv = loadIngestEnv(serviceEnv);

    const db = await openAlertsDatabase(alertsEnv);
    stops.push("database", () => db.close());
    // Ingest runs the cameras stored by the alert service (seeded from the file/demo; edited in the console).
    const storedCameras = (o.startCameras ?? "stored") === "stored";
    const cameraList = createCameraList(storedCameras ? camerasFileSchema.parse(o.cameras) : []);
    // Ingest listens once started (after the alert service): its address is handed over then.
    let ingestUrl: string | null = null;
    const alertsService = composeAlerts(alertsEnv, {
      ingestUrls: () => (ingestUrl ? [ingestUrl] : []),
      logger: logger.child({ service: "alerts" }),
      db,
      cameras: camerasFileSchema.parse(o.cameras),
      ...(o.camerasFile ? { camerasFile: o.camerasFile } : {}),
      ...(storedCameras ? { onCamerasChanged: (list) => cameraList.set(list) } : {}),
      ...(o.onGeneratedAdminPassword ? { onGeneratedAdminPassword: o.onGeneratedAdminPassword } : {}),
    });
    stops.push("alerts", () => alertsService.stop());
    const alerts = await alertsService.start();

    const inferenceService = composeInference(inferenceEnv, {
      logger: logger.child({ service: "inference" }),
      // The default keepalive: the short one (MQTT_KEEPALIVE_S) only serves the shard's will, which needs frames over MQTT.
      connectBroker: ({ will }) => connectMqtt(brokerUrl, "inference", will),
      metrics: new InferenceMetrics(false),
    });
    stops.push("inference", () => inferenceService.stop());
    const { inference } = await inferenceService.start();

    const ingestService = composeIngest(ingestEnv, {
      logger: logger.child({ service: "ingest" }),
      connectBroker: () => connectMqtt(brokerUrl, "ingest"),
      cameras: cameraList,
      frameSink: o.wrapFrameSink ? o.wrapFrameSink(inference.frameSink) : inference.frameSink,
    });
    stops.push("ingest", () => ingestService.stop());
    const { ingest, port: ingestPort } = await ingestService.start();
    const ingestHost = ["0.0.0.0", "::", ""].includes(ingestEnv.INGEST_HOST) ? "127.0.0.1" : ingestEnv.INGEST_HOST;
    ingestUrl = `http://${ingestHost.includes(":") ? `[${ingestHost}]` : ingestHost}:${ingestPort}`;
    return { mqttUrl, alertsEnv, inferenceEnv, alerts, inference, ingest };
  });
  return { ...(await vigil.start()), close: () => vigil.stop() };
}
