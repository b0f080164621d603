import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { DEFAULT_SAMPLE_FPS, frameFireControls, redactUrl, type CameraConfig, type CameraState, type CameraStatus, type Frame, type FrameFireControls, type PixelFormat } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { IngestMetrics } from "../health/ingest-metrics.js";
import { FpsMeter } from "../health/fps-meter.js";
import { Backoff, type BackoffOptions } from "./backoff.js";
import { degradedReason, HealthHysteresis } from "./camera-health.js";
import { buildFfmpegArgs, MEDIA_FD, type FrameScaler } from "./ffmpeg-args.js";
import type { MediaPipe } from "../media/camera-media.js";
import { classifyFfmpegError, scrubUrls, type CameraProblem } from "./ffmpeg-errors.js";
import type { FrameBufferPool } from "./frame-buffer-pool.js";
import { FrameFifo } from "./frame-fifo.js";
import { KeyframeSampler } from "./keyframe-sampler.js";
import { PpmFrameReader, type RawFrame } from "./ppm-frame-reader.js";

export interface WorkerTimings {
  /** No frame for this long → ffmpeg is considered stalled and restarted. Default max(8 s, 3 sample periods). */
  stallTimeoutMs?: number;
  /** How often a live camera's status (fps, counters) is republished. */
  statusIntervalMs?: number;
  backoff?: BackoffOptions;
  /** Grace between SIGTERM and SIGKILL when stopping ffmpeg. */
  killGraceMs?: number;
  /** How long online ↔ degraded must hold before it is published (default 15 s). */
  healthHoldMs?: number;
}

export interface CameraWorkerDeps {
  camera: CameraConfig;
  ffmpegPath: string;
  outputWidth: number;
  /** Pixels ffmpeg hands over: yuv420 (pgmyuv, no RGB conversion) or rgb24 (PPM). */
  pixelFormat: PixelFormat;
  /** The filter that scales frames to outputWidth (config/ingest-config.ts resolves it once). */
  scaler: FrameScaler;
  logger: Logger;
  metrics: IngestMetrics;
  /** Receives each sampled frame (the camera's FrameQueue). */
  onFrame(frame: Frame): void;
  /**
   * Frames through a FIFO read straight into their buffers (source/frame-fifo.ts; default true),
   * else over ffmpeg's stdout. Where no FIFO can be made, stdout it is.
   */
  frameFifo?: boolean;
  /**
   * Where frame pixels come from and go back to (the camera's pool; absent: a new buffer per frame).
   * Frames the sampler skips go back here at once; the rest whoever `onFrame` gave them to returns.
   */
  framePool?: FrameBufferPool;
  /** Receives the camera's status whenever it changes and on each heartbeat. */
  onStatus(status: CameraStatus): void;
  /** Frames dropped by the hand-off so far, shown in status. */
  droppedFrames(): number;
  /**
   * Why nothing analyses this camera's frames right now (e.g. no inference worker on its shard),
   * or undefined. Asked on every health check; absent when the hand-off is in-process.
   */
  consumerUnavailable?(): string | undefined;
  /** Receives the stream-copied fragmented MP4 of the same pull (live view, clip ring); absent: frames only. */
  media?: MediaPipe;
  timings?: WorkerTimings;
}

type FfmpegProcess = ChildProcessByStdio<null, Readable, Readable>;

/**
 * One camera: runs ffmpeg, turns its output into sampled frames, watches for stalls and restarts
 * with backoff. We spawn ffmpeg ourselves rather than use fluent-ffmpeg: that library is archived
 * and unmaintained, and we need direct control of the stdout pipe (frame boundaries), of stderr
 * (error reasons) and of kill/restart timing, which it wraps without adding anything we use.
 */
export class CameraWorker {
  private proc: FfmpegProcess | null = null;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private readonly fpsMeter = new FpsMeter(10_000);
  private readonly sampleFps: number;
  private readonly stallTimeoutMs: number;
  private state: CameraState = "offline";
  private problem: CameraProblem | undefined = { code: "starting", message: "starting" };
  private readonly health: HealthHysteresis;
  private lastFrameAt: number | null = null;
  private onlineSince: number | null = null;
  private seq = 0;
  private sampled = 0;
  private restarts = 0;
  private published = false;
  // Per connection: when ffmpeg started, its first frame, and the decode-lag baseline.
  private runStartedAt = 0;
  private runFirstFrameAt: number | null = null;
  private runFrames = 0;
  private minOffsetS = Infinity;
  private keyframeSampler: KeyframeSampler | null = null;
  /** Set when we kill ffmpeg on purpose (stall), so its exit reports that instead of stderr. */
  private killReason: CameraProblem | null = null;
  private readonly log: Logger;
  /** The camera's fire controls for the frame header; replaced in place by `setFireControls`. */
  private fire: FrameFireControls | undefined;
  /** Set when the video cannot be stream-copied to MP4 (e.g. a codec MP4 cannot hold): frames only from then on. */
  private mediaOff = false;
  /** The camera's frame FIFO, made at start (undefined: frames over stdout). */
  private fifo: FrameFifo | undefined;

  constructor(private readonly deps: CameraWorkerDeps) {
    this.fire = frameFireControls(deps.camera);
    const t = deps.timings ?? {};
    this.sampleFps = deps.camera.sampleFps ?? DEFAULT_SAMPLE_FPS;
    this.stallTimeoutMs = t.stallTimeoutMs ?? Math.max(8000, 3000 / this.sampleFps);
    this.backoff = new Backoff(t.backoff);
    this.health = new HealthHysteresis(t.healthHoldMs);
    this.log = deps.logger.child({ camera: deps.camera.id });
  }

  get id(): string {
    return this.deps.camera.id;
  }

  start(): void {
    this.log.info({ url: redactUrl(this.deps.camera.url), sampleFps: this.sampleFps, keyframesOnly: !!this.deps.camera.keyframesOnly }, "camera starting");
    this.watchdog = setInterval(() => this.checkStall(), Math.min(1000, this.stallTimeoutMs / 4));
    this.heartbeat = setInterval(() => this.publishIfKnown(), this.deps.timings?.statusIntervalMs ?? 5000);
    if (this.deps.frameFifo === false) {
      this.spawnFfmpeg();
      return;
    }
    void FrameFifo.create().then(async (fifo) => {
      if (this.stopped) return void (await fifo?.remove());
      if (!fifo) this.log.warn("cannot make a FIFO for frames (no mkfifo?): reading them from ffmpeg's stdout");
      this.fifo = fifo;
      this.spawnFfmpeg();
    });
  }

  status(): CameraStatus {
    return {
      schemaVersion: 1,
      cameraId: this.id,
      state: this.state,
      ts: new Date().toISOString(),
      fps: round2(this.fpsMeter.fps(Date.now())),
      lastFrameTs: this.lastFrameAt === null ? null : new Date(this.lastFrameAt).toISOString(),
      ...(this.problem && this.state !== "online" ? { error: this.problem.message, errorCode: this.problem.code } : {}),
      framesSampled: this.sampled,
      framesDropped: this.deps.droppedFrames(),
      restarts: this.restarts,
    };
  }

  /** New fire zones/sensitivity apply from the next frame; the stream is not restarted for them. */
  setFireControls(camera: Pick<CameraConfig, "analytics" | "fireZones" | "fireSensitivity">): void {
    this.fire = frameFireControls(camera);
  }

  /** Stops ffmpeg and the timers; the worker is not reusable afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.restartTimer, this.watchdog, this.heartbeat]) if (t) clearTimeout(t);
    this.restartTimer = this.watchdog = this.heartbeat = null;
    await this.killFfmpeg();
    await this.fifo?.remove();
    this.log.info("camera stopped");
  }

  private spawnFfmpeg(): void {
    if (this.stopped) return;
    const { camera, ffmpegPath, outputWidth } = this.deps;
    const media = this.mediaOff ? undefined : this.deps.media;
    let stderr = "";
    const pool = this.deps.framePool;
    const reader = new PpmFrameReader((f) => this.onRawFrame(f), pool ? (size) => pool.take(size) : undefined);
    let proc: FfmpegProcess | undefined;
    const notFrames = (err: Error) => {
      stderr += `\n${err.message}`;
      proc?.kill("SIGKILL");
    };
    // The reading side is open before ffmpeg starts, so its open for writing never waits. A FIFO
    // that cannot be opened (removed by a temp cleaner) sends this camera back to stdout for good.
    let frames: { close(): void } | undefined;
    if (this.fifo) {
      try {
        frames = this.fifo.open(reader, notFrames);
      } catch (err) {
        this.log.warn({ err }, "cannot open the frame FIFO: reading frames from ffmpeg's stdout");
        void this.fifo.remove();
        this.fifo = undefined;
      }
    }
    const fifo = this.fifo;
    const args = buildFfmpegArgs({ url: camera.url, sampleFps: this.sampleFps, keyframesOnly: camera.keyframesOnly, width: outputWidth, pixelFormat: this.deps.pixelFormat, scaler: this.deps.scaler, mediaOutput: !!media, ...(fifo ? { frameOutput: fifo.path } : {}) });
    try {
      proc = spawn(ffmpegPath, args, { stdio: ["ignore", fifo ? "ignore" : "pipe", "pipe", media ? "pipe" : "ignore"] }) as unknown as FfmpegProcess;
    } catch (err) {
      frames?.close();
      this.onExit(null, null, { code: "ffmpeg_missing", message: `cannot run ffmpeg: ${(err as Error).message}` });
      return;
    }
    this.proc = proc;
    if (proc.pid !== undefined) this.deps.metrics.decoderCpu.track(camera.id, proc.pid);
    this.runStartedAt = Date.now();
    this.runFirstFrameAt = null;
    this.runFrames = 0;
    this.minOffsetS = Infinity;
    this.killReason = null;
    this.keyframeSampler = camera.keyframesOnly ? new KeyframeSampler(this.sampleFps) : null;
    proc.stdout?.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        notFrames(err as Error);
      }
    });
    if (media) {
      media.runStarted();
      // Always drained: a full pipe would block ffmpeg, and with it the frames for analysis.
      (proc.stdio[MEDIA_FD] as Readable).on("data", (chunk: Buffer) => media.push(chunk));
    }
    proc.stderr.on("data", (chunk: Buffer) => {
      // Only the tail matters for the reason; keep memory bounded on chatty streams.
      stderr = (stderr + chunk.toString("utf8")).slice(-4096);
    });
    proc.on("error", (err) => {
      stderr += `\n${err.message}`;
    });
    proc.on("close", (code, signal) => {
      // Bytes still in the FIFO at exit are at most the run's last frame; a restart starts afresh.
      frames?.close();
      if (this.proc === proc) this.proc = null;
      this.deps.metrics.decoderCpu.untrack(camera.id, proc.pid);
      media?.runEnded();
      if (this.stopped) return;
      if (media && mediaOutputFailed(stderr)) {
        // Analysis must not depend on the copy: the next run goes without it.
        this.mediaOff = true;
        this.log.warn({ stderr: scrubUrls(stderr.slice(-500)) }, "this camera's video cannot be copied to MP4: no live view or clips for it, analysis goes on");
      }
      const reason = this.killReason ?? classifyFfmpegError(stderr, code, signal);
      if (!this.killReason && stderr.trim()) this.log.debug({ stderr: scrubUrls(stderr.slice(-1000)) }, "ffmpeg stderr");
      this.onExit(code, signal, reason);
    });
  }

  private onRawFrame(raw: RawFrame): void {
    const now = Date.now();
    const { camera, metrics } = this.deps;
    metrics.decoded.inc({ camera: camera.id });
    if (this.keyframeSampler && !this.keyframeSampler.accept(now)) {
      this.deps.framePool?.release(raw.data);
      return;
    }
    this.trackDecodeLag(now);
    this.lastFrameAt = now;
    this.sampled++;
    this.fpsMeter.add(now);
    metrics.sampled.inc({ camera: camera.id });
    if (this.state === "offline") {
      this.backoff.reset();
      this.onlineSince = now;
      this.health.reset();
      this.setState("online", undefined);
    }
    this.deps.onFrame({
      schemaVersion: 1,
      cameraId: camera.id,
      seq: this.seq++,
      captureTs: now,
      width: raw.width,
      height: raw.height,
      format: raw.format,
      analytics: camera.analytics,
      ...(this.fire ? { fire: this.fire } : {}),
      data: raw.data,
    });
  }

  /**
   * Decode lag: frame n of the fps filter belongs n/fps seconds into the stream, so the wall time
   * beyond that (over the smallest gap seen, which is the connection's start-up delay) is how far
   * ffmpeg has fallen behind. Keyframes-only output follows the GOP, so there it is left at 0.
   */
  private trackDecodeLag(now: number): void {
    if (this.keyframeSampler) return;
    if (this.runFirstFrameAt === null) this.runFirstFrameAt = now;
    const offset = (now - this.runFirstFrameAt) / 1000 - this.runFrames / this.sampleFps;
    this.runFrames++;
    this.minOffsetS = Math.min(this.minOffsetS, offset);
    this.deps.metrics.decodeLag.set({ camera: this.id }, Math.max(0, offset - this.minOffsetS));
  }

  private onExit(code: number | null, signal: string | null, reason: CameraProblem): void {
    this.log.warn({ code, signal, reason: reason.message }, "camera stream lost");
    this.setState("offline", reason);
    const delay = this.backoff.next();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.restarts++;
      this.deps.metrics.restarts.inc({ camera: this.id });
      this.log.info({ attempt: this.backoff.attempts, restarts: this.restarts }, "restarting ffmpeg");
      this.spawnFfmpeg();
    }, delay);
    this.log.info({ delayMs: delay }, "reconnect scheduled");
  }

  private checkStall(): void {
    const proc = this.proc;
    if (!proc || this.stopped) return;
    const now = Date.now();
    const since = Math.max(this.runStartedAt, this.lastFrameAt ?? 0);
    if (now - since > this.stallTimeoutMs) {
      const s = Math.round(this.stallTimeoutMs / 1000);
      this.killReason =
        this.lastFrameAt !== null && this.lastFrameAt > this.runStartedAt
          ? { code: "stalled", message: `stalled: no frame for ${s} s` }
          : { code: "no_video", message: `no video received within ${s} s` };
      proc.kill("SIGKILL");
      return;
    }
    this.updateDegraded(now);
  }

  /** Degraded or online while frames flow; the rules are in `degradedReason`. */
  private updateDegraded(now: number): void {
    if (this.state === "offline" || this.onlineSince === null) return;
    const warmedUp = now - this.onlineSince >= 10_000;
    const reason = degradedReason({
      consumerUnavailable: this.deps.consumerUnavailable?.(),
      warmedUp,
      fps: this.fpsMeter.fps(now),
      sampledInWindow: this.fpsMeter.count(now),
      droppedInWindow: warmedUp ? this.dropsInWindow(now) : 0,
      sampleFps: this.sampleFps,
      keyframesOnly: !!this.deps.camera.keyframesOnly,
    });
    // No inference worker for the camera is a fact, not a load reading: shown at once, and its end too.
    const consumerFact = reason?.code === "no_inference" || (this.state === "degraded" && this.problem?.code === "no_inference");
    const verdict = reason ? "degraded" : "online";
    const state = consumerFact ? verdict : this.health.decide(this.state, verdict, now);
    // While degraded, the reason follows the latest verdict (it may change from one kind to another).
    this.setState(state, state === "degraded" ? (reason ?? this.problem) : undefined);
  }

  private dropHistory: { at: number; total: number }[] = [];
  private dropsInWindow(now: number): number {
    const total = this.deps.droppedFrames();
    this.dropHistory.push({ at: now, total });
    while (this.dropHistory.length > 1 && this.dropHistory[0]!.at < now - 10_000) this.dropHistory.shift();
    return total - this.dropHistory[0]!.total;
  }

  private setState(state: CameraState, problem: CameraProblem | undefined): void {
    const changed = state !== this.state || problem?.code !== this.problem?.code || problem?.message !== this.problem?.message;
    this.state = state;
    this.problem = problem;
    this.deps.metrics.cameraUp.set({ camera: this.id }, state === "online" ? 1 : state === "degraded" ? 0.5 : 0);
    if (changed) {
      if (state !== "offline") this.log.info({ state, error: problem?.message }, "camera state");
      this.publish();
    }
  }

  private publishIfKnown(): void {
    if (this.published) this.publish();
  }

  private publish(): void {
    this.published = true;
    const s = this.status();
    this.deps.metrics.cameraFps.set({ camera: this.id }, s.fps);
    this.deps.onStatus(s);
  }

  private async killFfmpeg(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => proc.kill("SIGKILL"), this.deps.timings?.killGraceMs ?? 2000);
      proc.once("close", () => {
        clearTimeout(t);
        resolve();
      });
      proc.kill("SIGTERM");
    });
  }
}

/** ffmpeg's output #1 is the fragmented MP4 (#0 the frames): its errors name it, its muxer or its fd. */
export function mediaOutputFailed(stderr: string): boolean {
  return /output (file|stream) #?1\b|pipe:3|\[mp4 @|codec not currently supported in container/i.test(stderr);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
