import type { MqttClient } from "mqtt";
import { plateEventMessage, fireEventMessage, encodePayload, plateEventSchema, fireEventSchema, type AnalyzeResponse, type FireEvent, type FrameSink, type PlateEvent } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { AnalysisPool } from "./analysis/analysis-pool.js";
import { createFrameAnalysis, type FrameAnalysis } from "./analysis/frame-analysis.js";
import { FrameLanes } from "./analysis/frame-lanes.js";
import { InferenceMetrics } from "./metrics.js";
import { DiskOutbox } from "./outbox/disk-outbox.js";
import { OutboxPublisher } from "./outbox/outbox-publisher.js";
import { MqttFrameIntake } from "./intake/mqtt-frame-intake.js";
import type { TrackerOptions } from "./tracking/plate-tracker.js";
import type { EvidenceOptions } from "./evidence/evidence-writer.js";
import type { FireDetectorName } from "./detectors/fire-detector-names.js";
import type { FireRateOptions } from "./fire/fire-rate-gate.js";

export { choosePlateDetector } from "./analysis/frame-analysis.js";

export interface InferenceConfig {
  modelsDir: string;
  mediaDir: string;
  outboxDir: string;
  outboxMaxEvents?: number;
  topicPrefix: string;
  threads: number;
  /**
   * Analysis worker threads (default 2; 0 analyses in the main thread). onnxruntime-node runs a
   * model synchronously on the calling thread, so one thread caps inference at one core whatever
   * the intra-op threads do; each worker holds its own models and a camera stays on one worker.
   */
  workers?: number;
  /** Subscribe to `{prefix}/frames/{index}` (distributed deployments). */
  mqttFrames?: { index: number; count: number };
  tracker?: TrackerOptions;
  /** Skip the plate detector on still frames (default on). */
  motionGate?: boolean;
  /** Plate detector on a window around small motion (default on; analysis/frame-analysis.ts). */
  motionCrop?: boolean;
  /** Plate detector at 640×384 on 16:9 frames instead of 640² (default on; detectors/plate-yolo.ts). */
  plateRectInput?: boolean;
  /** The fire rate gate's options (fire/fire-rate-gate.ts; default every 4th frame of a static scene and every 2nd of a changing one while nothing is suspected, every 2nd while a fire is ongoing; 1 = every frame). */
  fireRate?: Partial<FireRateOptions>;
  /** Load the fire model (default true); off in plate-only tests and benches. */
  fire?: boolean;
  evidence?: EvidenceOptions;
  fireDetector?: FireDetectorName;
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

/**
 * Builds and starts the inference service from config and injected adapters: models → outbox →
 * stages → frame intake. `close()` stops them in reverse order.
 */
export async function startInference(config: InferenceConfig, deps: InferenceDeps): Promise<Inference> {
  const { logger } = deps;
  const metrics = deps.metrics ?? new InferenceMetrics();

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

  const analysisConfig = { modelsDir: config.modelsDir, mediaDir: config.mediaDir, threads: config.threads, ...(config.tracker ? { tracker: config.tracker } : {}), ...(config.motionGate === undefined ? {} : { motionGate: config.motionGate }), ...(config.motionCrop === undefined ? {} : { motionCrop: config.motionCrop }), ...(config.plateRectInput === undefined ? {} : { plateRectInput: config.plateRectInput }), ...(config.fireRate === undefined ? {} : { fireRate: config.fireRate }), ...(config.fire === undefined ? {} : { fire: config.fire }), ...(config.evidence ? { evidence: config.evidence } : {}), ...(config.fireDetector ? { fireDetector: config.fireDetector } : {}) };
  const analysisDeps = {
    logger,
    metrics,
    publishPlate: (event: PlateEvent) => publish(plateEventMessage.topic(config.topicPrefix), encodePayload(plateEventSchema, event)),
    publishFire: (event: FireEvent) => publish(fireEventMessage.topic(config.topicPrefix), encodePayload(fireEventSchema, event)),
  };
  const workerCount = config.workers ?? 2;
  const analysis: FrameAnalysis =
    workerCount > 0 ? await AnalysisPool.start(workerCount, analysisConfig, analysisDeps) : await createFrameAnalysis(analysisConfig, analysisDeps);
  if (workerCount > 0) logger.info({ workers: workerCount, threadsPerModel: config.threads }, "analysis worker threads started");

  // Frames are CPU work on shared cores: one lane per worker (one in the main thread without
  // workers), each one frame at a time, a camera always on the same lane. The lane is the worker:
  // this is the only place that assigns cameras.
  const lanes = new FrameLanes(Math.max(1, workerCount));
  const frameSink: FrameSink = {
    submit: (frame) => lanes.run(frame.cameraId, (lane) => analysis.process(frame, lane)),
  };

  let intake: MqttFrameIntake | undefined;
  if (deps.mqtt && config.mqttFrames) {
    intake = new MqttFrameIntake({ mqtt: deps.mqtt, topicPrefix: config.topicPrefix, shard: config.mqttFrames, sink: frameSink, concurrency: lanes.count, metrics, logger: logger.child({ module: "frames" }) });
    await intake.start();
    logger.info({ shard: config.mqttFrames }, "subscribed to frames");
  }

  return {
    frameSink,
    analyze: (bytes) => analysis.analyze(bytes),
    metrics,
    plateDetector: analysis.plateDetector,
    flush: async () => {
      await lanes.idle();
      await publisher?.drain();
    },
    async close() {
      await intake?.close();
      await lanes.idle();
      await analysis.close();
      await publisher?.close();
    },
  };
}
