/**
 * The whole of Vigil composed as `npm start` composes it (scripts/start.ts), for benchmarks and
 * integration tests that play real footage through the real pipeline: ingest (ffmpeg, the service's
 * sampling) → inference (worker threads, the committed ONNX models, temporal confirmation, disk
 * outbox) → MQTT → alerts (PostgreSQL or PGlite, Socket.IO), each built from its own exported root
 * and its own env loader, with the same embedded defaults (aedes unless `mqttUrl`, PGlite unless
 * `databaseUrl`). The cameras come from a CAMERAS_FILE read by ingest's loader and seeded into the
 * alert service, as `npm start` does.
 *
 * Two things are added around it, neither changing what the services do:
 * - a tap on the in-process frame hand-off (ingest → inference) records every frame inference is
 *   given, and lets a camera be played "once": frames past the end of a clip are not handed on, so
 *   a looped local file is analysed for exactly its own duration;
 * - observers: a logged-in Socket.IO client (the console's view of alerts) and an MQTT subscriber on
 *   `{prefix}/events/fire` (for the confidence behind each alert, which alerts do not carry).
 *
 * The services are composed by scripts/start/compose.ts, the function `npm start` runs (itself the
 * services' own composeAlerts / composeInference / composeIngest).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { decodePayload, DEFAULT_SAMPLE_FPS, fireEventMessage, type Alert, type CameraConfig, type ClientToServerEvents, type FireEvent, type FrameSink, type ServerToClientEvents } from "@vigil/contracts";
import { createLogger, createStopStack, loadCamerasFile, type Logger } from "@vigil/contracts/node";
import { composeVigil, connectMqtt } from "../../scripts/start/compose.js";
import { getFreePort } from "./ports.js";

export const PIPELINE_ADMIN_PASSWORD = "real-pipeline-admin-1";

export interface RealPipelineOptions {
  /** Cameras, written to `${dataDir}/cameras.json` and read back as CAMERAS_FILE. None run until `play`. */
  cameras: unknown[];
  /** Where the embedded database, evidence, outbox and the cameras file live (npm start's DATA_DIR). */
  dataDir: string;
  modelsDir: string;
  /** A broker to use instead of the embedded aedes (e.g. the local Mosquitto); then give `topicPrefix`. */
  mqttUrl?: string;
  /** A PostgreSQL database instead of the embedded PGlite. */
  databaseUrl?: string;
  topicPrefix?: string;
  /** The rest of the environment, handed to the services' env loaders as npm start hands it (process.env). */
  env?: Record<string, string | undefined>;
  /** Service logs (pino), default "warn", to `logDestination` (default stderr). */
  logLevel?: string;
  logDestination?: NodeJS.WritableStream;
}

/** A frame inference was given, placed on the clip's own timeline. */
export interface AnalysedFrame {
  seq: number;
  captureTs: number;
  /** Position in the (looped) file: ingest's fps filter emits sampled frame `seq` at file time seq / sampleFps. */
  positionS: number;
}

export interface PlayRequest {
  cameraId: string;
  /** How long to play, in file time (a clip's duration to play it once; more plays its loop). */
  playS: number;
}

export interface PlayedCamera {
  cameraId: string;
  sampleFps: number;
  /** Frames with position < playS: what a play without drops analyses. */
  expected: number;
  analysed: AnalysedFrame[];
  /** Frames ingest sampled but dropped before inference (its per-camera queue was full). */
  droppedBeforeInference: number;
  restarts: number;
  /** True when the end of the play was not reached in time (the camera stalled or fell far behind). */
  timedOut: boolean;
  /** Wall clock when the camera was started, and when its first frame reached inference. */
  startedAt: number;
  firstCaptureTs: number | null;
}

export interface ObservedAlert {
  /** As first pushed (alert:new) and as last updated (alert:update). */
  first: Alert;
  latest: Alert;
  receivedAt: number;
}

export interface RealPipeline {
  cameras: CameraConfig[];
  alertsUrl: string;
  topicPrefix: string;
  token: string;
  /** Alerts seen by the logged-in Socket.IO client, by id. */
  alerts: Map<string, ObservedAlert>;
  /** Every fire/smoke event (all revisions) seen on the broker. */
  fireEvents: FireEvent[];
  /** Runs these cameras together, each until `playS` of its file has been analysed, then stops them. */
  play(requests: PlayRequest[], o?: { timeoutMarginMs?: number; settleMs?: number }): Promise<PlayedCamera[]>;
  close(): Promise<void>;
}

interface ActivePlay {
  request: PlayRequest;
  result: PlayedCamera;
  done: () => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export async function startRealPipeline(o: RealPipelineOptions): Promise<RealPipeline> {
  const logger: Logger = createLogger({ name: "vigil", level: o.logLevel ?? "warn", destination: o.logDestination ?? process.stderr });
  const stops = createStopStack(logger);
  const close = () => stops.stopAll();
  try {
    const camerasFile = join(o.dataDir, "cameras.json");
    await writeFile(camerasFile, JSON.stringify(o.cameras, null, 2));

    // Free ports rather than 0: the alert service's MQTT client id is derived from its port, and two
    // instances on one broker with the same id would take each other's session.
    const passThrough: Record<string, string | undefined> = {
      ...o.env,
      PORT: String(await getFreePort()),
      INFERENCE_PORT: String(await getFreePort()),
      INGEST_PORT: String(await getFreePort()),
      VIGIL_ADMIN_PASSWORD: PIPELINE_ADMIN_PASSWORD,
      ...(o.topicPrefix ? { MQTT_TOPIC_PREFIX: o.topicPrefix } : {}),
    };
    const cameras = await loadCamerasFile(camerasFile);
    const byId = new Map(cameras.map((c) => [c.id, c]));
    const active = new Map<string, ActivePlay>();
    const vigil = await composeVigil({
      environment: passThrough,
      dataDir: o.dataDir,
      mediaDir: join(o.dataDir, "media"),
      modelsDir: o.modelsDir,
      ...(o.mqttUrl ? { mqttUrl: o.mqttUrl } : {}),
      ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
      camerasSource: camerasFile,
      cameras,
      logger,
      startCameras: "none",
      wrapFrameSink: (sink): FrameSink => ({
        async submit(frame) {
          const play = active.get(frame.cameraId);
          if (!play) return sink.submit(frame);
          const r = play.result;
          const positionS = frame.seq / r.sampleFps;
          if (positionS >= play.request.playS - 1e-6) {
            // Past the end of the play (the file has looped): not analysed; the camera is stopped.
            play.done();
            return;
          }
          r.firstCaptureTs ??= frame.captureTs;
          r.analysed.push({ seq: frame.seq, captureTs: frame.captureTs, positionS });
          await sink.submit(frame);
        },
      }),
    });
    stops.push("vigil", () => vigil.close());
    const { alerts, inference, ingest, inferenceEnv, mqttUrl } = vigil;

    // Observers: the console's view (Socket.IO, logged in) and the fire events on the broker.
    const login = await fetch(`${alerts.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: PIPELINE_ADMIN_PASSWORD }) });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const observed = new Map<string, ObservedAlert>();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(alerts.url, { auth: { token }, transports: ["websocket"] });
    socket.on("alert:new", (a) => {
      if (!observed.has(a.id)) observed.set(a.id, { first: a, latest: a, receivedAt: Date.now() });
    });
    socket.on("alert:update", (a) => {
      const seen = observed.get(a.id);
      if (seen) seen.latest = a;
      else observed.set(a.id, { first: a, latest: a, receivedAt: Date.now() });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    stops.push("socket", () => socket.close());
    const watcher = await connectMqtt(mqttUrl, "fire-watch");
    stops.push("fire-watch", () => watcher.endAsync());
    const fireEvents: FireEvent[] = [];
    const fireTopic = fireEventMessage.topic(inferenceEnv.MQTT_TOPIC_PREFIX);
    watcher.on("message", (topic, payload) => {
      if (topic !== fireTopic) return;
      const r = decodePayload(fireEventMessage.schema, payload);
      if (r.ok) fireEvents.push(r.value);
    });
    await watcher.subscribeAsync(fireTopic, { qos: 1 });

    async function play(requests: PlayRequest[], opts: { timeoutMarginMs?: number; settleMs?: number } = {}): Promise<PlayedCamera[]> {
      const plays = requests.map((request) => {
        const cam = byId.get(request.cameraId);
        if (!cam) throw new Error(`unknown camera ${request.cameraId}`);
        if (active.has(cam.id)) throw new Error(`camera ${cam.id} is already playing`);
        const sampleFps = cam.sampleFps ?? DEFAULT_SAMPLE_FPS;
        let done!: () => void;
        const finished = new Promise<void>((r) => (done = r));
        const result: PlayedCamera = { cameraId: cam.id, sampleFps, expected: Math.ceil(request.playS * sampleFps - 1e-6), analysed: [], droppedBeforeInference: 0, restarts: 0, timedOut: false, startedAt: Date.now(), firstCaptureTs: null };
        const entry: ActivePlay = { request, result, done };
        active.set(cam.id, entry);
        return { cam, entry, finished };
      });
      await Promise.all(
        plays.map(async ({ cam, entry, finished }) => {
          entry.result.startedAt = Date.now();
          await ingest.addOrUpdateCamera(cam);
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), entry.request.playS * 1000 + (opts.timeoutMarginMs ?? 20_000))))]);
          clearTimeout(timer);
          const s = ingest.status().find((x) => x.cameraId === cam.id);
          const r = entry.result;
          r.timedOut = timedOut;
          r.restarts = s?.restarts ?? 0;
          // Ingest numbers every sampled frame before its queue, so the seq values inference never saw
          // (up to the end of the play, or the last frame seen when it timed out) were dropped.
          const reached = timedOut ? (r.analysed.at(-1)?.seq ?? -1) + 1 : r.expected;
          r.droppedBeforeInference = reached - r.analysed.length;
          await ingest.removeCamera(cam.id);
          active.delete(cam.id);
        }),
      );
      // Events of the last frames: analysed, handed to the broker, then raised and pushed by alerts.
      await inference.flush();
      await sleep(opts.settleMs ?? 1500);
      return plays.map((p) => p.entry.result);
    }

    return { cameras, alertsUrl: alerts.url, topicPrefix: inferenceEnv.MQTT_TOPIC_PREFIX, token, alerts: observed, fireEvents, play, close };
  } catch (err) {
    await close();
    throw err;
  }
}
