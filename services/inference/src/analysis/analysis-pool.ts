import { Worker } from "node:worker_threads";
import type { AnalyzeResponse, FireEvent, Frame, PlateEvent } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { ImageDecodeError } from "../image/rgb-image.js";
import type { InferenceMetrics } from "../metrics.js";
import type { FrameAnalysis, FrameAnalysisConfig } from "./frame-analysis.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

export interface AnalysisPoolDeps {
  logger: Logger;
  metrics: InferenceMetrics;
  publishPlate(event: PlateEvent): Promise<void>;
  publishFire(event: FireEvent): Promise<void>;
  /** Worker entry (tests only); default the tsx bootstrap beside this file. */
  workerUrl?: URL;
}

interface Pending {
  resolve(result: AnalyzeResponse | undefined): void;
  reject(err: Error): void;
}

/** Per worker: a frame in flight and one or two waiting on its lane. */
const MAX_SPARE_BUFFERS = 3;

/** One analysis worker thread and the requests it has not answered yet. */
class AnalysisWorker {
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  /** Pixel buffers the worker moved back after analysing a frame, to be filled with the next ones. */
  private readonly spare: ArrayBuffer[] = [];
  /** Frames copied into a buffer that came back (for tests). */
  reusedBuffers = 0;
  plateDetector = "";

  constructor(
    private readonly index: number,
    private readonly config: FrameAnalysisConfig,
    private readonly deps: AnalysisPoolDeps,
  ) {
    this.spawn();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  private spawn(): void {
    const worker = new Worker(this.deps.workerUrl ?? new URL("./analysis-worker.mjs", import.meta.url));
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          this.plateDetector = message.plateDetector;
          resolve();
        } else if (message.type === "init-failed") reject(new Error(`analysis worker ${this.index} could not load its models: ${message.error}`));
        else this.onMessage(message);
      });
      worker.once("exit", (code) => reject(new Error(`analysis worker ${this.index} exited with ${code} while starting`)));
    });
    this.ready.catch(() => undefined);
    worker.on("error", (err) => this.deps.logger.error({ err, worker: this.index }, "analysis worker failed"));
    worker.on("exit", (code) => this.onExit(worker, code));
    const level = this.deps.logger.level;
    this.post({ type: "init", config: this.config, logLevel: level, workerIndex: this.index });
  }

  private onMessage(message: FromWorker): void {
    const { metrics } = this.deps;
    switch (message.type) {
      case "count":
        metrics.count(message.counter, message.labels);
        return;
      case "stage":
        metrics.observeStage(message.stage, message.ms, message.camera);
        return;
      case "publish": {
        const done = message.kind === "plate" ? this.deps.publishPlate(message.event) : this.deps.publishFire(message.event);
        done.then(
          () => this.post({ type: "published", id: message.id }),
          (err: unknown) => this.post({ type: "published", id: message.id, error: (err as Error).message }),
        );
        return;
      }
      case "done": {
        if (message.pixels && this.spare.length < MAX_SPARE_BUFFERS) this.spare.push(message.pixels);
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiting?.reject(message.undecodable ? new ImageDecodeError(message.error) : new Error(message.error));
        else waiting?.resolve(message.result);
        return;
      }
      default:
        return;
    }
  }

  /**
   * A worker that dies (a crash in native code, out of memory) fails only the frames it held; the
   * next one is started at once so the cameras on its lane carry on.
   */
  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) p.reject(new Error(`analysis worker ${this.index} exited with ${code}`));
    if (this.closing) return;
    this.deps.metrics.errors.inc({ stage: "worker" });
    this.deps.logger.error({ worker: this.index, code, lostRequests: lost.length }, "analysis worker exited; starting a new one");
    this.spawn();
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /**
   * The worker's own copy of a frame's pixels, in a buffer it moved back earlier when one of that
   * size is at hand: a fresh 2.76 MB buffer per frame costs page faults and garbage collection on
   * both threads (bench/capacity-cameras.ts), a reused one only the copy.
   */
  pixelsFor(data: Uint8Array): Uint8Array {
    const i = this.spare.findIndex((b) => b.byteLength === data.byteLength);
    if (i >= 0) this.reusedBuffers += 1;
    const out = i >= 0 ? new Uint8Array(this.spare.splice(i, 1)[0]!) : new Uint8Array(data.byteLength);
    out.set(data);
    if (i < 0) this.spare.length = 0; // another size: the camera changed resolution, the old ones will not fit again
    return out;
  }

  async request(message: { type: "frame"; frame: Frame } | { type: "analyze"; image: Uint8Array }, transfer: ArrayBuffer[]): Promise<AnalyzeResponse | undefined> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ ...message, id }, transfer);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    // Let the worker finish its queue and release its sessions; terminate it if it hangs.
    const timer = setTimeout(() => void worker.terminate(), 10_000);
    this.post({ type: "close" });
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Frame analysis on worker threads: each worker holds its own models. The caller says which worker
 * takes a frame (the lane FrameLanes gave its camera), so a camera's frames reach its tracker in
 * order. The main thread keeps the outbox and the metrics; workers ask it to publish and wait
 * until it has.
 */
export class AnalysisPool implements FrameAnalysis {
  private constructor(private readonly workers: AnalysisWorker[]) {}

  static async start(count: number, config: FrameAnalysisConfig, deps: AnalysisPoolDeps): Promise<AnalysisPool> {
    const workers = Array.from({ length: count }, (_, i) => new AnalysisWorker(i, config, deps));
    try {
      await Promise.all(workers.map((w) => w.whenReady()));
    } catch (err) {
      await Promise.allSettled(workers.map((w) => w.close()));
      throw err;
    }
    return new AnalysisPool(workers);
  }

  get plateDetector(): string {
    return this.workers[0]!.plateDetector;
  }

  async process(frame: Frame, lane = 0): Promise<void> {
    // The worker gets its own copy of the pixels (moved, not cloned): ingest's buffer is only lent
    // until this resolves (FrameSink) and is then reused for a later frame, so it cannot be handed over.
    const worker = this.workers[lane % this.workers.length]!;
    const data = worker.pixelsFor(frame.data);
    await worker.request({ type: "frame", frame: { ...frame, data } }, [data.buffer as ArrayBuffer]);
  }

  /** Frames whose pixels went to a worker in a buffer it had moved back (for tests). */
  get reusedPixelBuffers(): number {
    return this.workers.reduce((n, w) => n + w.reusedBuffers, 0);
  }

  async analyze(image: Uint8Array): Promise<AnalyzeResponse> {
    const copy = new Uint8Array(image);
    const idlest = this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const result = await idlest.request({ type: "analyze", image: copy }, [copy.buffer]);
    if (!result) throw new Error("analysis worker returned no result");
    return result;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
