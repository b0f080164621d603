import { existsSync } from "node:fs";
import type { MqttClient } from "mqtt";
import { analyzeResponseSchema, plateEventMessage, fireEventMessage, encodePayload, plateEventSchema, fireEventSchema, type AnalyzeResponse, type Frame, type FrameSink } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { Detector, RgbImage } from "./detectors/detector.js";
import { PaddleTextPlateDetector } from "./detectors/paddle-text-plate-detector.js";
import { PlateYoloDetector } from "./detectors/plate-yolo.js";
import { EvidenceWriter } from "./evidence/evidence-writer.js";
import { decodeImage, type RgbImage as Rgb } from "./image/rgb-image.js";
import { InferenceMetrics } from "./metrics.js";
import { findModel, modelPath } from "./models/manifest.js";
import { CnnPlateReader } from "./ocr/cnn-plate-reader.js";
import { PaddleRecognizer } from "./ocr/paddle-recognizer.js";
import { DiskOutbox } from "./outbox/disk-outbox.js";
import { OutboxPublisher } from "./outbox/outbox-publisher.js";
import { PlateEventStage } from "./plates/plate-event-stage.js";
import { PlatePipeline } from "./plates/plate-pipeline.js";
import { PlateReader } from "./plates/plate-reader.js";
import { PlateTracker, type TrackerOptions } from "./tracking/plate-tracker.js";
import { MotionGate } from "./intake/motion-gate.js";
import { MqttFrameIntake } from "./intake/mqtt-frame-intake.js";
import { loadFireStage, type FireStage } from "./fire-stage.js";

export interface InferenceConfig {
  modelsDir: string;
  mediaDir: string;
  outboxDir: string;
  outboxMaxEvents?: number;
  topicPrefix: string;
  threads: number;
  /** Subscribe to `{prefix}/frames/{index}` (distributed deployments). */
  mqttFrames?: { index: number; count: number };
  tracker?: TrackerOptions;
  /** Skip the plate detector on still frames (default on). */
  motionGate?: boolean;
  /** Load the fire model (default true); off in plate-only tests and benches. */
  fire?: boolean;
}

export interface InferenceDeps {
  logger: Logger;
  /** Connected (or connecting) client; events wait in the outbox while it is away. Absent: events are not published. */
  mqtt?: MqttClient;
  metrics?: InferenceMetrics;
}

export interface Inference {
  /** In-process frame hand-off for ingest (`npm start`). Resolves when the frame has been processed. */
  frameSink: FrameSink;
  /** One still image through detection and OCR, no tracking (POST /api/v1/analyze). */
  analyze(image: Buffer | Uint8Array): Promise<AnalyzeResponse>;
  metrics: InferenceMetrics;
  /** Name of the plate detector in use (the YOLO model, or the PaddleOCR text fallback). */
  plateDetector: string;
  /** Resolves when every event queued so far has been handed to the broker (or it is unreachable). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Picks the plate detector: the YOLO plate model when installed, else PaddleOCR's text detector. */
export function choosePlateDetector(modelsDir: string, logger: Logger): { detector: Detector; fallback: boolean } {
  const yolo = new PlateYoloDetector();
  if (existsSync(modelPath(findModel(yolo.name), modelsDir))) return { detector: yolo, fallback: false };
  logger.warn({ modelsDir }, "plate detector not installed (npm run models); falling back to PaddleOCR text detection, slower and less precise");
  return { detector: new PaddleTextPlateDetector(), fallback: true };
}

/**
 * Builds and starts the inference service from config and injected adapters: models → outbox →
 * stages → frame intake. `close()` stops them in reverse order.
 */
export async function startInference(config: InferenceConfig, deps: InferenceDeps): Promise<Inference> {
  const { logger } = deps;
  const metrics = deps.metrics ?? new InferenceMetrics();
  const loadOptions = { modelsDir: config.modelsDir, threads: config.threads };

  const { detector, fallback } = choosePlateDetector(config.modelsDir, logger);
  const recognizer = new PaddleRecognizer();
  // The CNN reader is an optional second opinion (+2–3 points on two-row plates, ~4 ms a plate).
  const cnn = existsSync(modelPath(findModel("plate-ocr-vn-cnn-64x128"), config.modelsDir)) ? new CnnPlateReader() : undefined;
  await Promise.all([detector.load(loadOptions), recognizer.load(loadOptions), cnn?.load(loadOptions)]);
  const pipeline = new PlatePipeline(detector, new PlateReader(recognizer, cnn ? { second: cnn } : {}), fallback);
  logger.info({ detector: detector.name, readers: [recognizer.name, ...(cnn ? [cnn.name] : [])] }, "plate models loaded");

  let publisher: OutboxPublisher | undefined;
  let outbox: DiskOutbox | undefined;
  if (deps.mqtt) {
    outbox = new DiskOutbox({ dir: config.outboxDir, maxEntries: config.outboxMaxEvents ?? 10_000, onDrop: (n) => metrics.outboxDropped.inc(n) });
    await outbox.open();
    publisher = new OutboxPublisher({ outbox, mqtt: deps.mqtt, logger: logger.child({ module: "outbox" }), onPublished: () => metrics.outboxDepth.set(outbox!.depth) });
    if (outbox.depth > 0) logger.info({ depth: outbox.depth }, "replaying events left in the outbox");
    void publisher.drain();
  }
  const publish = async (topic: string, payload: string) => {
    if (!publisher || !outbox) return;
    await publisher.publish(topic, payload);
    metrics.outboxDepth.set(outbox.depth);
  };

  const evidence = new EvidenceWriter({
    mediaDir: config.mediaDir,
    onError: (err) => logger.warn({ err }, "evidence JPEG not written; event goes out without it"),
  });
  const plates = new PlateEventStage({
    pipeline,
    tracker: new PlateTracker(config.tracker),
    ...(config.motionGate === false ? {} : { motionGate: new MotionGate() }),
    evidence,
    publish: (event) => publish(plateEventMessage.topic(config.topicPrefix), encodePayload(plateEventSchema, event)),
    metrics,
    logger: logger.child({ module: "plates" }),
  });

  let fire: FireStage | undefined;
  if (config.fire !== false) {
    fire = await loadFireStage({
      loadOptions,
      mediaDir: config.mediaDir,
      publish: (event) => publish(fireEventMessage.topic(config.topicPrefix), encodePayload(fireEventSchema, event)),
      logger: logger.child({ module: "fire" }),
    });
  }

  // Frames are CPU work on shared cores: one at a time, in arrival order.
  let queue: Promise<void> = Promise.resolve();
  const processFrame = async (frame: Frame): Promise<void> => {
    let image: Rgb;
    try {
      image = await frameToRgb(frame);
    } catch (err) {
      metrics.framesRejected.inc({ reason: "undecodable" });
      logger.debug({ err, cameraId: frame.cameraId }, "frame rejected");
      return;
    }
    const t0 = performance.now();
    try {
      if (frame.analytics.includes("plates")) await plates.process(frame.cameraId, image, frame.captureTs);
      if (fire && frame.analytics.includes("fire")) await fire.process(frame.cameraId, image, frame.captureTs);
      metrics.framesProcessed.inc({ camera: frame.cameraId });
    } catch (err) {
      metrics.errors.inc({ stage: "frame" });
      logger.warn({ err, cameraId: frame.cameraId }, "frame processing failed");
    }
    metrics.observeStage("frame", performance.now() - t0);
  };
  const frameSink: FrameSink = {
    submit(frame) {
      const run = queue.then(() => processFrame(frame));
      queue = run.catch(() => undefined);
      return run;
    },
  };

  let intake: MqttFrameIntake | undefined;
  if (deps.mqtt && config.mqttFrames) {
    intake = new MqttFrameIntake({ mqtt: deps.mqtt, topicPrefix: config.topicPrefix, shard: config.mqttFrames, sink: frameSink, metrics, logger: logger.child({ module: "frames" }) });
    await intake.start();
    logger.info({ shard: config.mqttFrames }, "subscribed to frames");
  }

  async function analyze(bytes: Buffer | Uint8Array): Promise<AnalyzeResponse> {
    const t0 = performance.now();
    const image = await decodeImage(bytes);
    const t1 = performance.now();
    const result = await pipeline.analyze(image);
    const fireFound = fire ? await fire.detect(image) : { detections: [], ms: 0 };
    metrics.observeStage("analyze_decode", t1 - t0);
    metrics.observeStage("plate_detect", result.timings.detectMs);
    metrics.observeStage("plate_ocr", result.timings.ocrMs);
    return analyzeResponseSchema.parse({
      plates: result.plates
        .filter((p) => p.reading && p.reading.plate.length >= 4)
        .map((p) => ({
          plate: p.reading!.plate,
          display: p.reading!.display,
          rows: p.reading!.rows,
          confidence: Math.round(p.reading!.confidence * 1000) / 1000,
          bbox: p.bbox.map((v) => Math.round(v * 10000) / 10000) as [number, number, number, number],
          valid: p.reading!.valid,
        })),
      fire: fireFound.detections.map((d) => ({ kind: d.label === "smoke" ? "smoke" : "fire", confidence: Math.round(d.confidence * 1000) / 1000, bbox: d.bbox })),
      timingsMs: { decode: round1(t1 - t0), detect: round1(result.timings.detectMs), ocr: round1(result.timings.ocrMs), fire: round1(fireFound.ms), total: round1(performance.now() - t0) },
    });
  }

  return {
    frameSink,
    analyze,
    metrics,
    plateDetector: detector.name,
    flush: async () => {
      await queue;
      await publisher?.drain();
    },
    async close() {
      await intake?.close();
      await queue;
      await publisher?.close();
      await fire?.close();
      await detector.close();
      await recognizer.close();
      await cnn?.close();
    },
  };
}

async function frameToRgb(frame: Frame): Promise<RgbImage> {
  if (frame.format === "jpeg") return decodeImage(frame.data);
  const data = Buffer.isBuffer(frame.data) ? frame.data : Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  if (data.length !== frame.width * frame.height * 3) throw new Error(`rgb24 frame has ${data.length} bytes, expected ${frame.width * frame.height * 3}`);
  return { data, width: frame.width, height: frame.height };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
