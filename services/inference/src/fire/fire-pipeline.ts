import { fireEventSchema, isExcludedByFireZones, type FireBox, type FireEvent, type FireKind, type FrameFireControls, SCHEMA_VERSION } from "@vigil/contracts";
import type { Logger } from "pino";
import type { Detection, DetectOptions, Detector, RgbImage } from "../detectors/detector.js";
import type { FireConfirmer } from "./fire-confirmer.js";
import type { FireRateGate } from "./fire-rate-gate.js";

/**
 * Saves an evidence snapshot (frame + boxes) and returns its URL path (a plain string, or with the
 * SHA-256 of the bytes written), or undefined if it could not. `meta` names the event (an update
 * reuses the id, so a writer must add a revision suffix: an alert keeps each revision's picture).
 */
export type FireEvidenceWriter = (
  cameraId: string,
  image: RgbImage,
  boxes: FireBox[],
  meta: { eventId: string; revision: number; kind: FireKind; ts: Date },
) => Promise<string | { snapshot: string; snapshotSha256?: string } | undefined>;
/** Publishes a validated event (the caller's MQTT outbox, `vigil/events/fire`). */
export type FireEventPublisher = (event: FireEvent) => Promise<void>;

/**
 * A detector that can also say what it saw below its threshold (VigilFireChainDetector): the pipeline then
 * hands those candidates to the confirmer, whose sustained rule weighs them over time. Others just detect().
 */
export interface CandidateFireDetector {
  detectWithCandidates(image: RgbImage, options?: DetectOptions): Promise<{ detections: Detection[]; candidates: Detection[] }>;
}

function hasCandidates(detector: Detector): detector is Detector & CandidateFireDetector {
  return typeof (detector as Partial<CandidateFireDetector>).detectWithCandidates === "function";
}

export interface FirePipelineDeps {
  detector: Detector;
  confirmer: FireConfirmer;
  evidence?: FireEvidenceWriter;
  publish: FireEventPublisher;
  logger: Pick<Logger, "warn" | "info" | "debug">;
  /** Lower rate on static scenes (fire/fire-rate-gate.ts); applies to frames that come with their motion. */
  rate?: FireRateGate;
}

/** A frame's motion thumbnail (intake/motion-gate.ts FrameMotion), for the rate gate. */
export interface FireFrameMotion {
  grid: Uint8Array;
}

export interface FireFrameResult {
  /** Events published for this frame (new or updated), already validated against the contract. */
  events: FireEvent[];
  /** Raw single-frame detections, e.g. for metrics or overlays; never published as events. */
  detections: Detection[];
  /** The rate gate skipped the frame: static scene, nothing suspected (the detector did not run). */
  skipped: boolean;
}

export interface FirePipeline {
  /**
   * Runs the detector on one sampled frame and publishes whatever the confirmer confirms. `controls`
   * are the camera's (from the frame header): its sensitivity and exclusion zones. `motion`: the frame's motion
   * thumbnail; with it and a rate gate, a static frame with nothing suspected may be skipped.
   */
  process(cameraId: string, image: RgbImage, captureTs: number | string | Date, controls?: FrameFireControls, motion?: FireFrameMotion): Promise<FireEvent[]>;
  /** Same as process, also returning the frame's raw detections (those left after the exclusion zones). */
  processWithDetections(cameraId: string, image: RgbImage, captureTs: number | string | Date, controls?: FrameFireControls, motion?: FireFrameMotion): Promise<FireFrameResult>;
  forget(cameraId: string): void;
}

function toEpochMs(ts: number | string | Date): number {
  const ms = typeof ts === "number" ? ts : new Date(ts).getTime();
  if (!Number.isFinite(ms)) throw new Error(`invalid capture timestamp: ${String(ts)}`);
  return ms;
}

/**
 * Per-frame fire & smoke stage of the inference service: detector → temporal confirmer →
 * evidence snapshot → event. Side effects (snapshot files, MQTT) come in as functions so the
 * inference service decides where they go and tests can capture them.
 */
export function createFirePipeline({ detector, confirmer, evidence, publish, logger, rate }: FirePipelineDeps): FirePipeline {
  async function processWithDetections(cameraId: string, image: RgbImage, captureTs: number | string | Date, controls?: FrameFireControls, motion?: FireFrameMotion): Promise<FireFrameResult> {
    const ts = toEpochMs(captureTs);
    if (rate && motion && !rate.shouldRun(cameraId, motion.grid, confirmer.suspects(cameraId), confirmer.fireOngoing(cameraId))) return { events: [], detections: [], skipped: true };
    const zones = controls?.zones ?? [];
    // Zones drop detections before the confirmer sees them: a lamp inside a zone neither raises an
    // event nor counts towards one, nor marks the fixture map.
    const options: DetectOptions = controls ? { sensitivity: controls.sensitivity } : {};
    const found = hasCandidates(detector) ? await detector.detectWithCandidates(image, options) : { detections: await detector.detect(image, options), candidates: [] };
    const outside = (d: Detection) => !isExcludedByFireZones(d.bbox, zones);
    const detections = found.detections.filter(outside);
    const candidates = found.candidates.filter(outside);
    const confirmations = confirmer.observe(cameraId, ts, detections, candidates);
    const events: FireEvent[] = [];
    for (const c of confirmations) {
      let snapshot: string | undefined;
      let snapshotSha256: string | undefined;
      if (evidence) {
        try {
          const written = await evidence(cameraId, image, c.boxes, { eventId: c.id, revision: c.revision, kind: c.kind, ts: new Date(c.ts) });
          if (typeof written === "string") snapshot = written;
          else if (written) ({ snapshot, snapshotSha256 } = written);
        } catch (err) {
          // An event without a picture is still worth raising; the snapshot is best effort.
          logger.warn({ err, cameraId, eventId: c.id }, "fire evidence snapshot failed");
        }
      }
      const event = fireEventSchema.parse({
        schemaVersion: SCHEMA_VERSION,
        id: c.id,
        cameraId,
        ts: new Date(c.ts).toISOString(),
        kind: c.kind,
        confidence: c.confidence,
        boxes: c.boxes,
        confirmedFrames: c.confirmedFrames,
        revision: c.revision,
        ...(c.possible !== undefined ? { possible: c.possible } : {}),
        ...(snapshot ? { snapshot } : {}),
        ...(snapshot && snapshotSha256 ? { snapshotSha256 } : {}),
      });
      await publish(event);
      logger.info({ cameraId, eventId: event.id, kind: event.kind, revision: c.revision, confirmedFrames: c.confirmedFrames }, c.revision === 0 ? "fire event confirmed" : "fire event updated");
      events.push(event);
    }
    return { events, detections, skipped: false };
  }

  return {
    async process(cameraId, image, captureTs, controls, motion) {
      return (await processWithDetections(cameraId, image, captureTs, controls, motion)).events;
    },
    processWithDetections,
    forget(cameraId) {
      confirmer.forget(cameraId);
      rate?.forget(cameraId);
    },
  };
}
