import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { DecoderCpuMeter } from "./process-cpu.js";

/**
 * Prometheus metrics of one ingest instance. A registry is passed in (not the global one) so that
 * several instances — tests, or ingest beside inference in `npm start` — never collide.
 */
export class IngestMetrics {
  readonly decoded: Counter<"camera">;
  readonly sampled: Counter<"camera">;
  readonly dropped: Counter<"camera">;
  readonly restarts: Counter<"camera">;
  readonly sinkErrors: Counter<"camera">;
  readonly decodeLag: Gauge<"camera">;
  readonly cameraUp: Gauge<"camera">;
  readonly cameraFps: Gauge<"camera">;
  readonly handoff: Histogram<"camera">;
  readonly configRejected: Counter;
  readonly unconsumed: Counter<"camera">;
  readonly serviceStatusRejected: Counter;
  /** Each camera's decoder process, for the per-camera cost line. */
  readonly decoderCpu = new DecoderCpuMeter();
  readonly decoderCpuTotal: Counter<"camera">;
  readonly decoderCost: Gauge<"camera">;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.decoded = new Counter({ name: "vigil_ingest_frames_decoded_total", help: "Frames delivered by ffmpeg (after its fps filter; keyframes in keyframes-only mode)", labelNames: ["camera"], registers });
    this.sampled = new Counter({ name: "vigil_ingest_frames_sampled_total", help: "Frames sampled and queued for inference", labelNames: ["camera"], registers });
    this.dropped = new Counter({ name: "vigil_ingest_frames_dropped_total", help: "Frames dropped because inference had not taken the previous ones (oldest first)", labelNames: ["camera"], registers });
    this.restarts = new Counter({ name: "vigil_ingest_ffmpeg_restarts_total", help: "ffmpeg restarts after a failure or a stall", labelNames: ["camera"], registers });
    this.sinkErrors = new Counter({ name: "vigil_ingest_sink_errors_total", help: "Frames the sink rejected with an error", labelNames: ["camera"], registers });
    this.decodeLag = new Gauge({ name: "vigil_ingest_decode_lag_seconds", help: "How far decoding has fallen behind the stream's own clock since the connection began", labelNames: ["camera"], registers });
    this.cameraUp = new Gauge({ name: "vigil_ingest_camera_up", help: "1 online, 0.5 degraded, 0 offline", labelNames: ["camera"], registers });
    this.cameraFps = new Gauge({ name: "vigil_ingest_camera_fps", help: "Sampled frames per second over the last 10 s", labelNames: ["camera"], registers });
    this.handoff = new Histogram({
      name: "vigil_ingest_handoff_seconds",
      help: "Time from a frame being sampled to the sink taking it",
      labelNames: ["camera"],
      buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    });
    this.configRejected = new Counter({ name: "vigil_ingest_config_rejected_total", help: "Camera lists from MQTT that failed validation", registers });
    this.unconsumed = new Counter({ name: "vigil_ingest_frames_unconsumed_total", help: "Frames published while no inference worker was online for their shard (not analysed)", labelNames: ["camera"], registers });
    this.serviceStatusRejected = new Counter({ name: "vigil_ingest_service_status_rejected_total", help: "Inference status messages that failed validation (ignored)", registers });
    // One /proc sample per scrape feeds both series. The registry collects in registration order, so the
    // counter (registered first) takes the sample and the gauge reports that same sample: neither lags a scrape.
    const meter = this.decoderCpu;
    let lastSample: ReturnType<typeof meter.sample> = [];
    this.decoderCpuTotal = new Counter({
      name: "vigil_ingest_camera_decode_cpu_ms_total",
      help: "CPU milliseconds (user + system) used by the camera's ffmpeg decoder, as read at each scrape",
      labelNames: ["camera"],
      registers,
      collect() {
        lastSample = meter.sample();
        for (const r of lastSample) this.inc({ camera: r.camera }, r.cpuMsDelta);
      },
    });
    this.decoderCost = new Gauge({
      name: "vigil_ingest_camera_decode_cpu_ms_per_s",
      help: "What a camera costs ingest: its ffmpeg decoder's CPU milliseconds per second since the previous scrape (1000 = one core)",
      labelNames: ["camera"],
      registers,
      collect() {
        this.reset();
        for (const r of lastSample) this.set({ camera: r.camera }, Math.round(r.msPerS * 10) / 10);
      },
    });
  }

  /** Forgets a removed camera's series so /metrics does not list it forever. */
  removeCamera(camera: string): void {
    this.decoderCpu.untrack(camera);
    for (const m of [this.decoded, this.sampled, this.dropped, this.restarts, this.sinkErrors, this.unconsumed, this.decodeLag, this.cameraUp, this.cameraFps, this.handoff, this.decoderCpuTotal, this.decoderCost]) {
      m.remove({ camera });
    }
  }
}
