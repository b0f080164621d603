/**
 * End-to-end alert latency: a wanted plate appears in a real RTSP stream → ingest (ffmpeg) →
 * inference (detector, OCR, tracker, evidence, disk outbox) → MQTT (local Mosquitto) → alerts
 * (watchlist match, PostgreSQL) → `alert:new` at a Socket.IO client. All three services run in
 * this process as `npm start` composes them (frames handed in-process); the stream comes from the
 * GStreamer RTSP test camera serving one long clip made of PASSES short synthetic clips, each with
 * its own wanted plate (all on the watchlist), so every pass raises one alert.
 *   npx tsx bench/e2e-alert-latency.ts          (PASSES=30, CLIP_SECONDS=6, MODELS_DIR=../shared/models)
 *
 * Reference "appearance" moment of a pass: the stream's start on the wall clock + (clip offset +
 * the clip's ground-truth firstLegibleFrame) / 25 fps. The stream start is T0 = min over sampled
 * frames of (captureTs − seq / sampleFps): when frame 0 would have reached ingest with the least
 * delay seen, so T0 already contains ffmpeg's constant connect+decode delay for the first frame
 * (reported separately as "spawn→first frame", an upper bound of what it hides).
 * Stages (they add up to the total): sample wait (until the next 2 fps sample), confirm (further
 * samples until the tracker's vote is stable), decode lag, queue (ingest → inference hand-off),
 * inference (detect + track + OCR + evidence JPEG + outbox write, until handed to MQTT), publish
 * (until a subscriber on the broker has it), alert (match + raise + Socket.IO push). "store" (the
 * alert row visible in PostgreSQL) runs beside the push and is reported apart: alerts are pushed
 * before they are saved.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import mqtt, { type MqttClient } from "mqtt";
import pg from "pg";
import { io } from "socket.io-client";
import { alertSchema, toPlateKey, yuv420ToRgb, type Alert, type Frame } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { startInference, InferenceMetrics } from "@vigil/inference";
import { startIngest } from "@vigil/ingest";
import { login, startAlertsHarness, ADMIN_PASSWORD } from "../test/alerts-harness.js";
import { TEST_MQTT_URL } from "../test/support/mqtt.js";
import { RtspTestCamera } from "../test/support/rtsp-camera.js";
import { cachedClip, CLIP_DIR, concatClips, fmt, frameSignature, load, locateFrame, MODELS_DIR, pct, referenceSignatures, sleep, benchScaler } from "./e2e-bench-util.js";

const PASSES = Number(process.env.PASSES ?? 30);
const CLIP_SECONDS = Number(process.env.CLIP_SECONDS ?? 6);
const SAMPLE_FPS = Number(process.env.SAMPLE_FPS ?? 2);
const FPS = 25;
/** Sampled frames placed on the file's timeline by their pixels (see T0 below). */
const CALIBRATION_SAMPLES = 24;
/** Tracker overrides for experiments (TRACKER_MAX_CENTRE_DISTANCE, TRACKER_REREAD_EVERY); defaults are the service's. */
const tracker = {
  ...(process.env.TRACKER_MAX_CENTRE_DISTANCE ? { maxCentreDistance: Number(process.env.TRACKER_MAX_CENTRE_DISTANCE) } : {}),
  ...(process.env.TRACKER_REREAD_EVERY ? { rereadEvery: Number(process.env.TRACKER_REREAD_EVERY) } : {}),
};
const SERIES = ["51F", "51G", "51H", "30A", "30E", "29A", "43A", "92A"];

/** A distinct, valid one-row car plate per pass. */
function wantedPlate(k: number): string {
  const series = SERIES[k % SERIES.length]!;
  const a = 100 + ((k * 37) % 900);
  const b = 10 + ((k * 53) % 90);
  return `${series}-${a}.${String(b).padStart(2, "0")}`;
}

interface FrameRecord {
  seq: number;
  captureTs: number;
  sinkStart: number;
  sinkEnd: number;
  /** Coarse picture signature of the first frames, to find them on the file's timeline. */
  sig?: Float32Array;
}

async function main(): Promise<void> {
  if (Object.keys(tracker).length) console.log(`tracker overrides: ${JSON.stringify(tracker)}`);
  console.log(`e2e alert latency: ${PASSES} passes of ${CLIP_SECONDS} s clips (1280x720 25 fps), sampleFps ${SAMPLE_FPS}, plates + fire, scaler ${benchScaler()}; load ${load()}`);
  const t0 = Date.now();
  const clips: { video: string; plate: string; firstLegible: number; offsetFrames: number }[] = [];
  let offset = 0;
  // Pass 0 is a warm-up (ffmpeg's start-up buffering, first ONNX runs) and is reported apart.
  for (let k = 0; k <= PASSES; k++) {
    const plate = wantedPlate(k);
    const c = await cachedClip({ seed: 1000 + k, wanted: plate, durationS: CLIP_SECONDS, width: 1280, height: 720 });
    const w = c.truth.plates.find((p) => p.wanted)!;
    if (w.firstLegibleFrame === null) throw new Error(`clip ${k}: wanted plate never legible`);
    clips.push({ video: c.video, plate, firstLegible: w.firstLegibleFrame, offsetFrames: offset });
    offset += c.truth.frames;
  }
  const long = await concatClips(clips.map((c) => c.video), path.join(CLIP_DIR, `e2e-1+${PASSES}x${CLIP_SECONDS}s.mp4`));
  console.log(`clips ready in ${((Date.now() - t0) / 1000).toFixed(0)} s (cached in ${CLIP_DIR}); stream ${(offset / FPS).toFixed(0)} s`);

  // Alerts on a fresh PostgreSQL database and a unique topic prefix of the local Mosquitto.
  const harness = await startAlertsHarness("e2ebench", { alertCooldownMs: 1000 });
  const prefix = harness.prefix;
  for (const c of clips) await harness.service.watchlist.add({ plate: c.plate, reason: "e2e benchmark", priority: "critical" }, "bench");
  const session = await login(harness.base, "admin", ADMIN_PASSWORD);

  // Socket.IO client: the console's view.
  const socketAlerts: { alert: Alert; at: number }[] = [];
  const socket = io(harness.base, { auth: { token: session.token }, transports: ["websocket"] });
  socket.on("alert:new", (a: Alert) => socketAlerts.push({ alert: a, at: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });

  // A subscriber on the broker: when the plate event and the alert were on the wire.
  const watcher: MqttClient = await mqtt.connectAsync(TEST_MQTT_URL, { clientId: `e2e-watch-${randomBytes(3).toString("hex")}` });
  const onBroker = new Map<string, number>();
  const plateEvents: { id: string; ts: number; plate: string; revision: number; confidence: number }[] = [];
  const alertOnBroker = new Map<string, number>();
  watcher.on("message", (topic, payload) => {
    const now = Date.now();
    const msg = JSON.parse(payload.toString()) as { id: string; ts: string; plate?: string; revision?: number; confidence?: number };
    // An event id is published again (same id, new ts) when a track's reading is revised.
    if (topic.endsWith("/events/plate")) {
      if (!onBroker.has(`${msg.id}|${msg.ts}`)) onBroker.set(`${msg.id}|${msg.ts}`, now);
      plateEvents.push({ id: msg.id, ts: Date.parse(msg.ts), plate: msg.plate ?? "", revision: msg.revision ?? 0, confidence: msg.confidence ?? 0 });
    }
    if (topic.endsWith("/alerts") && !alertOnBroker.has(msg.id)) alertOnBroker.set(msg.id, now);
  });
  await watcher.subscribeAsync([`${prefix}/events/plate`, `${prefix}/alerts`], { qos: 1 });

  // Inference, with its MQTT client's publish timed (the moment the outbox hands an event over).
  // Log lines go to stderr; the fire stage says so when its model is not installed.
  let fireOn = true;
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (chunk.toString().includes("fire detection is off")) fireOn = false;
      process.stderr.write(chunk, () => cb());
    },
  });
  const logger = createLogger({ name: "e2e", level: process.env.LOG_LEVEL ?? "warn", destination });
  const infMqtt = await mqtt.connectAsync(TEST_MQTT_URL, { clientId: `e2e-inf-${randomBytes(3).toString("hex")}` });
  const handed = new Map<string, number>();
  const publishAsync = infMqtt.publishAsync.bind(infMqtt);
  infMqtt.publishAsync = ((topic: string, payload: string | Buffer, opts?: mqtt.IClientPublishOptions) => {
    if (topic.endsWith("/events/plate")) {
      const e = JSON.parse(payload.toString()) as { id: string; ts: string };
      if (!handed.has(`${e.id}|${e.ts}`)) handed.set(`${e.id}|${e.ts}`, Date.now());
    }
    return publishAsync(topic, payload, opts);
  }) as typeof infMqtt.publishAsync;
  const work = await mkdtemp(path.join(tmpdir(), "vigil-e2e-"));
  const metrics = new InferenceMetrics(false);
  const inference = await startInference(
    { modelsDir: MODELS_DIR, mediaDir: path.join(work, "media"), outboxDir: path.join(work, "outbox"), topicPrefix: prefix, threads: Number(process.env.ONNX_THREADS ?? 1), ...(Object.keys(tracker).length ? { tracker } : {}) },
    { logger, mqtt: infMqtt, metrics },
  );
  const frames = new Map<number, FrameRecord>();
  const sink = {
    async submit(frame: Frame) {
      const rec: FrameRecord = { seq: frame.seq, captureTs: frame.captureTs, sinkStart: Date.now(), sinkEnd: 0 };
      if (frame.seq < CALIBRATION_SAMPLES) rec.sig = frameSignature(frame.format === "yuv420" ? yuv420ToRgb(frame.data, frame.width, frame.height) : frame.data, frame.width, frame.height);
      frames.set(frame.captureTs, rec);
      await inference.frameSink.submit(frame);
      rec.sinkEnd = Date.now();
    },
  };

  const camera = new RtspTestCamera({ file: long });
  await camera.start();
  const ingestMqtt = await mqtt.connectAsync(TEST_MQTT_URL, { clientId: `e2e-ing-${randomBytes(3).toString("hex")}` });
  const spawnAt = Date.now();
  const ingest = await startIngest({
    config: { topicPrefix: prefix, outputWidth: 1280, pixelFormat: process.env.INGEST_PIXEL_FORMAT === "rgb24" ? "rgb24" : "yuv420", scaler: benchScaler() },
    logger,
    mqtt: ingestMqtt,
    frameSink: sink,
    cameras: [{ id: "e2e-cam", name: "e2e", url: camera.url, lat: 10.77, lon: 106.7, analytics: ["plates", "fire"], sampleFps: SAMPLE_FPS }],
  });

  // The alert row in PostgreSQL, polled beside the push.
  const db = new pg.Client({ connectionString: harness.testDb.url });
  await db.connect();
  const stored = new Map<string, number>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const pending = socketAlerts.filter((s) => !stored.has(s.alert.id)).map((s) => s.alert.id);
      if (pending.length) {
        const { rows } = await db.query<{ id: string }>("SELECT id FROM alerts WHERE id = ANY($1::uuid[])", [pending]);
        const now = Date.now();
        for (const r of rows) stored.set(r.id, now);
      }
      await sleep(5);
    }
  })();

  const streamMs = (offset / FPS) * 1000;
  await sleep(streamMs + 6000);
  const dropped = ingest.status()[0]?.framesDropped ?? NaN;
  await ingest.close();
  await inference.flush();
  await sleep(1000);
  polling = false;
  await poller;

  // Where the sampled frames sit on the file's own timeline: the RTSP server starts its shared
  // media before ffmpeg's first decodable frame, so seq 0 is not file frame 0. Each of the first
  // samples is found among the file's frames by its pixels; file frame = offset + seq × 25/sampleFps.
  const recs = [...frames.values()].sort((a, b) => a.seq - b.seq);
  const step = FPS / SAMPLE_FPS;
  const refs = await referenceSignatures(long, CALIBRATION_SAMPLES / SAMPLE_FPS + 4, 1280, 720);
  const located = recs.filter((r) => r.sig).map((r) => ({ r, at: locateFrame(r.sig!, refs) }));
  const offsets = located.map((l) => l.at.index - l.r.seq * step).sort((a, b) => a - b);
  const fileOffset = offsets[Math.floor(offsets.length / 2)]!;
  const spread = offsets.length ? offsets.at(-1)! - offsets[0]! : NaN;
  const fileFrameOf = (seq: number) => fileOffset + seq * step;
  // T0: file frame 0 on the wall clock, from the least-delayed sample (see the header).
  const T0 = Math.min(...recs.map((r) => r.captureTs - (fileFrameOf(r.seq) / FPS) * 1000));

  const rows: Record<string, number>[] = [];
  const missed: string[] = [];
  let warmup: Record<string, number> | undefined;
  const slow: { k: number; clip: (typeof clips)[number]; ms: number }[] = [];
  for (const [k, c] of clips.entries()) {
    const key = toPlateKey(c.plate);
    const hit = socketAlerts.find((s) => alertSchema.safeParse(s.alert).success && s.alert.type === "watchlist_hit" && s.alert.plate === key);
    if (!hit || !hit.alert.eventId) {
      missed.push(`${k}:${c.plate}`);
      continue;
    }
    const appearS = (c.offsetFrames + c.firstLegible) / FPS;
    const appearWall = T0 + appearS * 1000;
    const pubCapture = Date.parse(hit.alert.ts);
    const rec = frames.get(pubCapture);
    const broker = onBroker.get(`${hit.alert.eventId}|${hit.alert.ts}`);
    const hand = handed.get(`${hit.alert.eventId}|${hit.alert.ts}`);
    if (!rec || broker === undefined || hand === undefined) {
      missed.push(`${k}:${c.plate} (untraced)`);
      continue;
    }
    // First sample at or after the appearance, and the publishing frame, on the file's timeline.
    const firstSampleSeq = Math.ceil((c.offsetFrames + c.firstLegible - fileOffset) / step - 1e-9);
    const firstSampleS = fileFrameOf(firstSampleSeq) / FPS;
    const pubStreamS = fileFrameOf(rec.seq) / FPS;
    if (hit.at - appearWall > 1000) slow.push({ k, clip: c, ms: hit.at - appearWall });
    (k === 0 ? (r: Record<string, number>) => (warmup = r) : (r: Record<string, number>) => rows.push(r))({
      total: hit.at - appearWall,
      sample: (firstSampleS - appearS) * 1000,
      confirm: (pubStreamS - firstSampleS) * 1000,
      decode: rec.captureTs - (T0 + pubStreamS * 1000),
      queue: rec.sinkStart - rec.captureTs,
      inference: hand - rec.sinkStart,
      publish: broker - hand,
      alert: hit.at - broker,
      store: (stored.get(hit.alert.id) ?? NaN) - broker,
      processing: hit.at - rec.captureTs,
    });
  }

  // How far each sampled frame reached ingest after the least-delayed one (the T0 reference).
  const lags = pct(recs.map((r) => r.captureTs - (T0 + (fileFrameOf(r.seq) / FPS) * 1000)));
  console.log(`decode lag over all ${lags.n} frames vs T0: p50 ${lags.p50.toFixed(0)} ms, p95 ${lags.p95.toFixed(0)} ms, max ${lags.max.toFixed(0)} ms`);
  for (const s of slow) {
    const from = T0 + ((s.clip.offsetFrames + s.clip.firstLegible) / FPS) * 1000 - 1000;
    const seen = plateEvents.filter((e) => e.ts >= from && e.ts <= from + 7000).map((e) => `${e.plate} r${e.revision} c${e.confidence} +${((e.ts - from - 1000) / 1000).toFixed(1)}s`);
    console.log(`slow pass ${s.k} (${s.clip.plate}, alert ${s.ms.toFixed(0)} ms): plate events in the pass: ${seen.join(", ") || "none"}`);
  }
  const stages = ["sample", "confirm", "decode", "queue", "inference", "publish", "alert", "total", "processing", "store"];
  console.log(`\nfirst sample = file frame ${fileOffset} (${located.length} samples located, offsets spread ${spread} frames); spawn→first frame ${recs.length ? recs[0]!.captureTs - spawnAt : NaN} ms; T0 = spawn + ${T0 - spawnAt} ms`);
  console.log(`frames ${recs.length}, dropped ${dropped}; alerts ${socketAlerts.length}; fire stage ${fireOn ? "on" : "OFF (fire model not installed)"}; load ${load()}`);
  console.log(`warm-up pass: ${warmup ? `total ${warmup.total!.toFixed(0)} ms (decode lag ${warmup.decode!.toFixed(0)} ms)` : "no alert"}`);
  console.log(`passes with an alert: ${rows.length}/${PASSES}${missed.length ? `; missed: ${missed.join(", ")}` : ""}`);
  console.log(`\nstage (ms)     p50    p95    max   mean`);
  for (const s of stages) {
    const p = pct(rows.map((r) => r[s]!).filter(Number.isFinite));
    console.log(`${s.padEnd(11)} ${fmt(p.p50)} ${fmt(p.p95)} ${fmt(p.max)} ${fmt(p.mean)}`);
  }
  const total = pct(rows.map((r) => r.total!));
  const stageHist = await metrics.registry.getSingleMetricAsString("vigil_inference_stage_ms");
  const sums = [...stageHist.matchAll(/vigil_inference_stage_ms_(sum|count)\{stage="([a-z_]+)"\} ([\d.e+]+)/g)];
  const perStage = new Map<string, { sum: number; count: number }>();
  for (const [, kind, stage, v] of sums) {
    const e = perStage.get(stage!) ?? { sum: 0, count: 0 };
    e[kind as "sum" | "count"] = Number(v);
    perStage.set(stage!, e);
  }
  console.log(`\ninference per-call means: ${[...perStage].map(([s, e]) => `${s} ${(e.sum / Math.max(1, e.count)).toFixed(1)} ms ×${e.count}`).join(", ")}`);
  console.log(`\nRESULT alert latency appearance→alert:new: p50 ${total.p50.toFixed(0)} ms, p95 ${total.p95.toFixed(0)} ms over ${rows.length} passes (target p95 ≤ 1000 ms: ${total.p95 <= 1000 ? "PASS" : "MISS"}); load ${load()}`);

  socket.close();
  await inference.close();
  await Promise.all([infMqtt.endAsync(), ingestMqtt.endAsync(), watcher.endAsync(), db.end()]);
  await camera.stop();
  await harness.close();
  process.exit(rows.length >= Math.ceil(PASSES * 0.9) ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
