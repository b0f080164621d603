import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const STAGE_BUCKETS = [1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640, 1280];

/** The counters frame analysis bumps (by field name of InferenceMetrics). */
export type AnalysisCounter = "framesProcessed" | "framesSkipped" | "framesRejected" | "platesPublished" | "plateReads" | "evidenceErrors" | "errors";

/**
 * What frame analysis reports. In the main thread it is InferenceMetrics itself; in an analysis
 * worker thread it is a relay that posts each count to the main thread's registry.
 */
export interface AnalysisMetrics {
  count(counter: AnalysisCounter, labels?: Record<string, string>): void;
  observeStage(stage: string, ms: number): void;
}

/** The inference service's Prometheus metrics, on their own registry (several services share one process under `npm start`). */
export class InferenceMetrics implements AnalysisMetrics {
  readonly registry = new Registry();
  readonly framesProcessed = new Counter({ name: "vigil_inference_frames_processed_total", help: "Frames run through the pipeline", labelNames: ["camera"], registers: [this.registry] });
  readonly framesSkipped = new Counter({ name: "vigil_inference_frames_still_total", help: "Frames where the plate detector was skipped: no motion and no live track", registers: [this.registry] });
  readonly framesRejected = new Counter({ name: "vigil_inference_frames_rejected_total", help: "Frames that could not be decoded or failed validation", labelNames: ["reason"], registers: [this.registry] });
  readonly stageLatency = new Histogram({ name: "vigil_inference_stage_ms", help: "Per-stage latency in milliseconds", labelNames: ["stage"], buckets: STAGE_BUCKETS, registers: [this.registry] });
  readonly platesPublished = new Counter({ name: "vigil_inference_plate_events_total", help: "Plate events published (new and revised)", labelNames: ["kind"], registers: [this.registry] });
  readonly plateReads = new Counter({ name: "vigil_inference_plate_reads_total", help: "OCR reads, by whether they fit the plate format", labelNames: ["valid"], registers: [this.registry] });
  readonly outboxDepth = new Gauge({ name: "vigil_inference_outbox_depth", help: "Events waiting on disk for the broker", registers: [this.registry] });
  readonly outboxDropped = new Counter({ name: "vigil_inference_outbox_dropped_total", help: "Events dropped because the outbox was full", registers: [this.registry] });
  readonly evidenceErrors = new Counter({ name: "vigil_inference_evidence_errors_total", help: "Evidence JPEGs that could not be written", registers: [this.registry] });
  readonly errors = new Counter({ name: "vigil_inference_errors_total", help: "Errors while processing frames", labelNames: ["stage"], registers: [this.registry] });
  readonly analyzeRequests = new Counter({ name: "vigil_inference_analyze_requests_total", help: "POST /api/v1/analyze requests by status", labelNames: ["status"], registers: [this.registry] });

  constructor(defaultMetrics = false) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "vigil_inference_" });
  }

  count(counter: AnalysisCounter, labels: Record<string, string> = {}): void {
    (this[counter] as Counter<string>).inc(labels);
  }

  observeStage(stage: string, ms: number): void {
    this.stageLatency.observe({ stage }, ms);
  }
}
