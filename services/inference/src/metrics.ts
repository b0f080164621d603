import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const STAGE_BUCKETS = [1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640, 1280];

/** The counters frame analysis bumps (by field name of InferenceMetrics). */
export type AnalysisCounter = "framesProcessed" | "framesSkipped" | "fireFramesSkipped" | "framesRejected" | "platesPublished" | "plateReads" | "evidenceErrors" | "errors";

/**
 * What frame analysis reports. In the main thread it is InferenceMetrics itself; in an analysis
 * worker thread it is a relay that posts each count to the main thread's registry.
 */
export interface AnalysisMetrics {
  count(counter: AnalysisCounter, labels?: Record<string, string>): void;
  /** With `camera`: also counted in that camera's cost (what a camera costs, by stage). */
  observeStage(stage: string, ms: number, camera?: string): void;
}

/** The window the per-camera cost gauge averages over. */
export const CAMERA_COST_WINDOW_MS = 60_000;

/** The inference service's Prometheus metrics, on their own registry (several services share one process under `npm start`). */
export class InferenceMetrics implements AnalysisMetrics {
  readonly registry = new Registry();
  readonly framesProcessed = new Counter({ name: "vigil_inference_frames_processed_total", help: "Frames run through the pipeline", labelNames: ["camera"], registers: [this.registry] });
  readonly framesSkipped = new Counter({ name: "vigil_inference_frames_still_total", help: "Frames where the plate detector was skipped: no motion and no live track", registers: [this.registry] });
  readonly fireFramesSkipped = new Counter({ name: "vigil_inference_fire_frames_static_total", help: "Frames where the fire chain was skipped: static scene, nothing suspected (fire/fire-rate-gate.ts)", registers: [this.registry] });
  readonly framesRejected = new Counter({ name: "vigil_inference_frames_rejected_total", help: "Frames that could not be decoded or failed validation", labelNames: ["reason"], registers: [this.registry] });
  readonly stageLatency = new Histogram({ name: "vigil_inference_stage_ms", help: "Per-stage latency in milliseconds", labelNames: ["stage"], buckets: STAGE_BUCKETS, registers: [this.registry] });
  readonly platesPublished = new Counter({ name: "vigil_inference_plate_events_total", help: "Plate events published (new and revised)", labelNames: ["kind"], registers: [this.registry] });
  readonly plateReads = new Counter({ name: "vigil_inference_plate_reads_total", help: "OCR reads, by whether they fit the plate format", labelNames: ["valid"], registers: [this.registry] });
  readonly outboxDepth = new Gauge({ name: "vigil_inference_outbox_depth", help: "Events waiting on disk for the broker", registers: [this.registry] });
  readonly outboxDropped = new Counter({ name: "vigil_inference_outbox_dropped_total", help: "Events dropped because the outbox was full", registers: [this.registry] });
  readonly evidenceErrors = new Counter({ name: "vigil_inference_evidence_errors_total", help: "Evidence JPEGs that could not be written", registers: [this.registry] });
  readonly errors = new Counter({ name: "vigil_inference_errors_total", help: "Errors while processing frames", labelNames: ["stage"], registers: [this.registry] });
  readonly analyzeRequests = new Counter({ name: "vigil_inference_analyze_requests_total", help: "POST /api/v1/analyze requests by status", labelNames: ["status"], registers: [this.registry] });

  readonly cameraBusy = new Counter({
    name: "vigil_inference_camera_busy_ms_total",
    help: "Milliseconds the analysis spent on a camera's frames, by stage (decode, plates, fire); rate() gives ms per second",
    labelNames: ["camera", "stage"],
    registers: [this.registry],
  });
  private readonly costWindow = new CameraCostWindow(CAMERA_COST_WINDOW_MS);
  readonly cameraCost = (() => {
    const window = this.costWindow;
    return new Gauge({
      name: "vigil_inference_camera_cost_ms_per_s",
      help: `What a camera costs: analysis milliseconds per second of wall time over the last ${CAMERA_COST_WINDOW_MS / 1000} s, by stage (1000 = one core busy)`,
      labelNames: ["camera", "stage"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { camera, stage, msPerS } of window.rates(Date.now())) this.set({ camera, stage }, Math.round(msPerS * 10) / 10);
      },
    });
  })();

  constructor(defaultMetrics = false) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "vigil_inference_" });
  }

  count(counter: AnalysisCounter, labels: Record<string, string> = {}): void {
    (this[counter] as Counter<string>).inc(labels);
  }

  observeStage(stage: string, ms: number, camera?: string): void {
    this.stageLatency.observe({ stage }, ms);
    if (camera) {
      this.cameraBusy.inc({ camera, stage }, ms);
      this.costWindow.add(camera, stage, ms, Date.now());
    }
  }
}

/**
 * Busy milliseconds per camera and stage in one-second buckets over a sliding window: the cost line
 * an operator reads in /metrics without a Prometheus server to compute rate().
 */
export class CameraCostWindow {
  private readonly buckets = new Map<string, { camera: string; stage: string; bySecond: Map<number, number> }>();
  constructor(private readonly windowMs: number) {}

  add(camera: string, stage: string, ms: number, nowMs: number): void {
    const key = `${camera}\u0000${stage}`;
    let entry = this.buckets.get(key);
    if (!entry) this.buckets.set(key, (entry = { camera, stage, bySecond: new Map() }));
    const second = Math.floor(nowMs / 1000);
    entry.bySecond.set(second, (entry.bySecond.get(second) ?? 0) + ms);
  }

  /** ms per second over the window ending now; series with nothing in the window are dropped. */
  rates(nowMs: number): { camera: string; stage: string; msPerS: number }[] {
    const oldest = Math.floor((nowMs - this.windowMs) / 1000);
    const out: { camera: string; stage: string; msPerS: number }[] = [];
    for (const [key, entry] of this.buckets) {
      let sum = 0;
      for (const [second, ms] of entry.bySecond) {
        if (second <= oldest) entry.bySecond.delete(second);
        else sum += ms;
      }
      if (entry.bySecond.size === 0) this.buckets.delete(key);
      else out.push({ camera: entry.camera, stage: entry.stage, msPerS: sum / (this.windowMs / 1000) });
    }
    return out;
  }
}
