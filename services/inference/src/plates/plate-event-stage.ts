import { plateEventSchema, SCHEMA_VERSION, type NormalisedBox, type PlateEvent } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { Detection, RgbImage } from "../detectors/detector.js";
import type { EvidenceWriter } from "../evidence/evidence-writer.js";
import { detectorWindow } from "../image/yuv420-image.js";
import type { FrameMotion, MotionGate } from "../intake/motion-gate.js";
import type { AnalysisMetrics } from "../metrics.js";
import type { PlateTracker, PublishDecision } from "../tracking/plate-tracker.js";
import { cropBoxToFrame, DEFAULT_MOTION_CROP, planMotionCrop, touchesInnerEdge, type MotionCropOptions } from "./motion-crop.js";
import { parsePlateRead } from "./plate-decode.js";
import type { PlatePipeline } from "./plate-pipeline.js";
import type { PlateReading } from "./plate-reader.js";

export interface PlateEventStageDeps {
  pipeline: PlatePipeline;
  tracker: PlateTracker;
  evidence?: EvidenceWriter;
  publish: (event: PlateEvent) => Promise<void>;
  metrics: AnalysisMetrics;
  logger: Logger;
  /** Skips the detector on still frames of cameras with no live plate track. */
  motionGate?: MotionGate;
  /** With the motion gate: look only around the motion when it is small (plates/motion-crop.ts); false: always the whole frame. */
  motionCrop?: MotionCropOptions | false;
}

/** Plate widths remembered per camera for "are its plates small" (the median of these). */
const PLATE_WIDTHS_KEPT = 16;

/**
 * Per-frame plate stage of the live service: detect → track → read only the tracks that still
 * need it → vote → on a publish decision, write evidence and publish one event per track.
 */
export class PlateEventStage {
  private readonly plateWidths = new Map<string, number[]>();

  constructor(private readonly d: PlateEventStageDeps) {}

  /** `motion`: the frame's motion when the caller measured it already (frame-analysis shares it with fire); else the gate measures it. */
  async process(cameraId: string, image: RgbImage, captureTs: number, motion?: FrameMotion): Promise<PlateEvent[]> {
    const busy = this.d.tracker.expire(cameraId, captureTs).live.length > 0;
    let region: NormalisedBox | undefined;
    if (this.d.motionGate) {
      const plan = this.d.motionGate.plan(cameraId, motion ?? this.d.motionGate.observe(cameraId, image), busy);
      if (!plan.detect) {
        this.d.metrics.count("framesSkipped");
        return [];
      }
      region = plan.region;
    }
    const t0 = performance.now();
    const detections = await this.detect(cameraId, image, region);
    const t1 = performance.now();
    this.d.metrics.observeStage("plate_detect", t1 - t0);
    this.rememberWidths(cameraId, image, detections.map((d) => d.bbox));
    const updates = this.d.tracker.update(
      cameraId,
      detections.map((d) => d.bbox),
      captureTs,
    );
    const events: PlateEvent[] = [];
    for (const { track, needsRead } of updates) {
      if (!needsRead) continue;
      const r0 = performance.now();
      let reading: PlateReading;
      try {
        reading = await this.d.pipeline.read(image, track.bbox);
      } catch (err) {
        this.d.metrics.count("errors", { stage: "plate_ocr" });
        this.d.logger.warn({ err, cameraId }, "plate OCR failed");
        continue;
      }
      this.d.metrics.observeStage("plate_ocr", performance.now() - r0);
      this.d.metrics.count("plateReads", { valid: String(reading.valid) });
      const decision = this.d.tracker.addReading(track, reading);
      if (decision) events.push(await this.publish(decision, image, reading, captureTs));
    }
    return events;
  }

  /**
   * The detector on the whole frame, or, when the motion is in a small part of it and the camera's plates are
   * small, on a detector-sized window around the motion (boxes mapped back). A plate cut by the window's edge
   * means a second look at the whole frame.
   */
  private async detect(cameraId: string, image: RgbImage, region: NormalisedBox | undefined): Promise<Detection[]> {
    const rect = region && this.d.motionCrop !== false ? planMotionCrop(region, image, median(this.plateWidths.get(cameraId)), this.d.motionCrop ?? DEFAULT_MOTION_CROP) : undefined;
    if (!rect) return this.d.pipeline.detect(image);
    const t0 = performance.now();
    const found = await this.d.pipeline.detect(detectorWindow(image, rect));
    this.d.metrics.observeStage("plate_detect_crop", performance.now() - t0);
    if (found.some((d) => touchesInnerEdge(d.bbox, rect, image))) return this.d.pipeline.detect(image);
    return found.map((d) => ({ ...d, bbox: cropBoxToFrame(d.bbox, rect, image) }));
  }

  private rememberWidths(cameraId: string, image: RgbImage, boxes: NormalisedBox[]): void {
    if (boxes.length === 0) return;
    const widths = this.plateWidths.get(cameraId) ?? [];
    for (const b of boxes) widths.push(b[2] * image.width);
    this.plateWidths.set(cameraId, widths.slice(-PLATE_WIDTHS_KEPT));
  }

  private async publish(decision: PublishDecision, image: RgbImage, reading: PlateReading, captureTs: number): Promise<PlateEvent> {
    const { track, vote, revision } = decision;
    const ts = new Date(captureTs);
    const evidence = this.d.evidence ? await this.d.evidence.write(track.cameraId, track.eventId, ts, image, track.bbox, reading.crop, revision) : {};
    if (this.d.evidence && !evidence.snapshot) this.d.metrics.count("evidenceErrors");
    const event = plateEventSchema.parse({
      schemaVersion: SCHEMA_VERSION,
      id: track.eventId,
      cameraId: track.cameraId,
      ts: ts.toISOString(),
      plate: vote.plate,
      display: reading.plate === vote.plate ? reading.display : formatFromVote(vote.plate, vote.rows, reading),
      rows: vote.rows,
      confidence: round3(vote.confidence),
      bbox: track.bbox.map(round4) as [number, number, number, number],
      frames: Math.max(1, track.frames),
      revision,
      charConfidences: vote.charConfidences.map(round3),
      ...(evidence.snapshot ? { snapshot: evidence.snapshot } : {}),
      ...(evidence.crop ? { crop: evidence.crop } : {}),
      ...(evidence.snapshotSha256 ? { snapshotSha256: evidence.snapshotSha256 } : {}),
      ...(evidence.cropSha256 ? { cropSha256: evidence.cropSha256 } : {}),
    });
    await this.d.publish(event);
    this.d.metrics.count("platesPublished", { kind: revision === 0 ? "new" : "revision" });
    this.d.logger.info({ cameraId: event.cameraId, eventId: event.id, plate: event.plate, revision, frames: event.frames }, "plate event");
    return event;
  }
}

function formatFromVote(plate: string, rows: 1 | 2, reading: PlateReading): string {
  // The display form follows the same layout as the reading that decided it (same row split).
  const topLength = reading.display.includes(" ") ? reading.display.split(" ")[0]!.replace("-", "").length : undefined;
  return parsePlateRead(plate, rows, topLength).display;
}

function median(values: readonly number[] | undefined): number | undefined {
  if (!values || values.length === 0) return undefined;
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

function round3(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
}
function round4(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
}
