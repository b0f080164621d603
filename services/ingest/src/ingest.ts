import type { MqttClient } from "mqtt";
import { cameraConfigSchema, DEFAULT_FRAME_SCALER, shardForCamera, type CameraConfig, type CameraConfigInput, type CameraStatus, type FrameSink, type PixelFormat } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { FrameQueue } from "./handoff/frame-queue.js";
import { FrameBufferPool } from "./source/frame-buffer-pool.js";
import { IngestMetrics } from "./health/ingest-metrics.js";
import { createMqttStatusPublisher, noStatusPublisher, type StatusPublisher } from "./health/status-publisher.js";
import { CameraWorker, type WorkerTimings } from "./source/camera-worker.js";
import type { FrameScaler } from "./source/ffmpeg-args.js";
import { CameraMedia } from "./media/camera-media.js";
import { createClipCutter, type ClipCutter } from "./media/clip-cutter.js";
import type { LiveHub } from "./media/live-hub.js";
import { createMediaMetrics } from "./media/media-metrics.js";
import { rmdir } from "node:fs/promises";
import path from "node:path";

export interface IngestShard {
  index: number;
  count: number;
}

export interface IngestConfig {
  topicPrefix?: string;
  /** Width of sampled frames (height keeps the aspect); 1280 keeps plates readable. */
  outputWidth?: number;
  /** Pixels of the frames handed on (default yuv420: contracts' frame-pixels.ts); rgb24 where the sink needs RGB (JPEG over MQTT). */
  pixelFormat?: PixelFormat;
  /** ffmpeg binary (see resolveFfmpegPath); default "ffmpeg" from PATH. */
  ffmpegPath?: string;
  /** The filter that scales frames (default swscale, in every ffmpeg; ingestConfigFromEnv picks zscale where the build has it). */
  scaler?: FrameScaler;
  /** This instance serves only cameras with shardForCamera(id, count) === index. */
  shard?: IngestShard;
  /** Frames through a FIFO read into their buffers (default true), else over ffmpeg's stdout (source/frame-fifo.ts). */
  frameFifo?: boolean;
  /** Frames waiting per camera before the oldest is dropped. */
  queueCapacity?: number;
  timings?: WorkerTimings;
  /**
   * Live view and event clips (#17): each camera's video, stream-copied from the same pull, fanned
   * out to live viewers and kept in a ring under `ringDir/<cameraId>` for clips written to
   * `mediaDir`. Absent: frames only (cameras' `liveView`/`clips` have no effect).
   */
  media?: IngestMediaConfig;
}

export interface IngestMediaConfig {
  mediaDir: string;
  ringDir: string;
  /** Video kept per camera (default 60 s). */
  ringKeepMs?: number;
  /** Live viewers per camera (default 16). */
  maxViewers?: number;
}

export interface IngestDeps {
  config?: IngestConfig;
  logger: Logger;
  /** Where camera status is published (retained). Optional: `status()` and `onStatus` work without it. */
  mqtt?: MqttClient;
  /** Where sampled frames go: the inference pipeline in-process, or an MQTT frame sink. */
  frameSink: FrameSink;
  cameras?: CameraConfigInput[];
  metrics?: IngestMetrics;
  /** In-process listeners (e.g. the alert service in `npm start`). */
  onStatus?: (status: CameraStatus) => void;
  /**
   * Why a camera's frames are not analysed now although they are handed off (the MQTT sink's
   * `consumerUnavailable`: no inference worker online for its shard); such a camera shows as
   * degraded with this reason. Absent in-process, where the sink is inference itself.
   */
  consumerUnavailable?: (cameraId: string) => string | undefined;
}

export type CameraChange = "added" | "updated" | "unchanged" | "removed" | "not-this-shard";

export interface Ingest {
  /** Starts a camera or restarts it with a changed config; other cameras are not touched. */
  addOrUpdateCamera(camera: CameraConfigInput): Promise<CameraChange>;
  removeCamera(id: string): Promise<boolean>;
  /** Makes the running set equal to `cameras` (a reloaded CAMERAS_FILE), touching only what changed. */
  setCameras(cameras: CameraConfigInput[]): Promise<CameraChange[]>;
  status(): CameraStatus[];
  /** The camera's live stream: undefined when it is not run here, null when its live view is off. */
  liveHub(cameraId: string): LiveHub | null | undefined;
  /** Event clips; null without `config.media`. */
  readonly clips: ClipCutter | null;
  readonly metrics: IngestMetrics;
  close(): Promise<void>;
}

interface Running {
  config: CameraConfig;
  worker: CameraWorker;
  queue: FrameQueue;
  media: CameraMedia | null;
}

export async function startIngest(deps: IngestDeps): Promise<Ingest> {
  const config = deps.config ?? {};
  const logger = deps.logger;
  const metrics = deps.metrics ?? new IngestMetrics();
  // spawn() looks "ffmpeg" up on PATH; main.ts passes the resolved FFMPEG_PATH.
  const ffmpegPath = config.ffmpegPath ?? "ffmpeg";
  const outputWidth = config.outputWidth ?? 1280;
  const topicPrefix = config.topicPrefix ?? "vigil";
  const statusOut: StatusPublisher = deps.mqtt ? createMqttStatusPublisher(deps.mqtt, topicPrefix, logger) : noStatusPublisher;
  const running = new Map<string, Running>();
  let closed = false;

  const inShard = (id: string) => !config.shard || shardForCamera(id, config.shard.count) === config.shard.index;

  const unavailable = deps.consumerUnavailable;
  const mediaConfig = config.media;
  const mediaMetrics = mediaConfig ? createMediaMetrics(metrics.registry, () => [...running.values()].map((r) => ({ camera: r.config.id, viewers: r.media?.hub?.viewerCount ?? 0 }))) : null;
  const clips = mediaConfig
    ? createClipCutter({
        ffmpegPath,
        mediaDir: mediaConfig.mediaDir,
        ringFor: (id) => {
          const r = running.get(id);
          return r ? (r.media?.ring ?? null) : undefined;
        },
        logger: logger.child({ module: "clips" }),
        onResult: (result) => mediaMetrics?.clips.inc({ result }),
      })
    : null;

  /** A camera's stream copy, when media is configured and the camera wants live view or clips (both default on). */
  function mediaFor(cam: CameraConfig): CameraMedia | null {
    if (!mediaConfig || (cam.liveView === false && cam.clips === false)) return null;
    return new CameraMedia({
      cameraId: cam.id,
      liveView: cam.liveView !== false,
      ...(cam.clips !== false ? { ringDir: path.join(mediaConfig.ringDir, cam.id) } : {}),
      ...(mediaConfig.ringKeepMs ? { ringKeepMs: mediaConfig.ringKeepMs } : {}),
      ...(mediaConfig.maxViewers ? { maxViewers: mediaConfig.maxViewers } : {}),
      logger,
      onRingWriteError: () => mediaMetrics?.ringWriteErrors.inc({ camera: cam.id }),
    });
  }

  function launch(cam: CameraConfig): Running {
    const log = logger.child({ camera: cam.id });
    let lastErrorLog = 0;
    // A frame's pixels go back to its camera's pool once the queue is done with the frame.
    const framePool = new FrameBufferPool();
    const queue = new FrameQueue(deps.frameSink, config.queueCapacity ?? 2, {
      onDrop: () => metrics.dropped.inc({ camera: cam.id }),
      onDelivered: (_f, ms) => metrics.handoff.observe({ camera: cam.id }, ms / 1000),
      onDone: (f) => framePool.release(f.data),
      onError: (err) => {
        metrics.sinkErrors.inc({ camera: cam.id });
        // A failing sink fails every frame; one line every 10 s is enough to see it.
        if (Date.now() - lastErrorLog > 10_000) {
          lastErrorLog = Date.now();
          log.warn({ err }, "frame sink rejected a frame");
        }
      },
    });
    const media = mediaFor(cam);
    const worker = new CameraWorker({
      camera: cam,
      ffmpegPath,
      outputWidth,
      pixelFormat: config.pixelFormat ?? "yuv420",
      scaler: config.scaler ?? DEFAULT_FRAME_SCALER,
      logger,
      metrics,
      onFrame: (f) => queue.push(f),
      framePool,
      ...(config.frameFifo === false ? { frameFifo: false } : {}),
      onStatus: (s) => {
        statusOut.publish(s);
        deps.onStatus?.(s);
      },
      droppedFrames: () => queue.dropped,
      ...(unavailable ? { consumerUnavailable: () => unavailable(cam.id) } : {}),
      ...(media ? { media } : {}),
      timings: config.timings,
    });
    worker.start();
    return { config: cam, worker, queue, media };
  }

  async function halt(r: Running): Promise<void> {
    await r.worker.stop();
    await r.queue.close();
    await r.media?.close();
  }

  async function addOrUpdateCamera(input: CameraConfigInput): Promise<CameraChange> {
    if (closed) throw new Error("ingest is closed");
    const cam = cameraConfigSchema.parse(input);
    if (!inShard(cam.id)) return "not-this-shard";
    if (cam.enabled === false) return (await removeCamera(cam.id)) ? "removed" : "unchanged";
    const current = running.get(cam.id);
    if (current && sameStream(current.config, cam)) {
      current.config = cam; // name, position… do not concern ingest
      current.worker.setFireControls(cam); // travel on the frame header, no restart needed
      return "unchanged";
    }
    if (current) {
      running.delete(cam.id);
      await halt(current);
    }
    running.set(cam.id, launch(cam));
    return current ? "updated" : "added";
  }

  async function removeCamera(id: string): Promise<boolean> {
    const current = running.get(id);
    if (!current) return false;
    running.delete(id);
    await halt(current);
    metrics.removeCamera(id);
    statusOut.clear(id);
    return true;
  }

  async function setCameras(cameras: CameraConfigInput[]): Promise<CameraChange[]> {
    const wanted = new Set(cameras.map((c) => c.id));
    const changes: CameraChange[] = [];
    for (const id of [...running.keys()]) if (!wanted.has(id)) changes.push((await removeCamera(id)) ? "removed" : "unchanged");
    for (const cam of cameras) changes.push(await addOrUpdateCamera(cam));
    return changes;
  }

  for (const cam of deps.cameras ?? []) await addOrUpdateCamera(cam);
  logger.info({ cameras: running.size, shard: config.shard, outputWidth }, "ingest started");

  return {
    addOrUpdateCamera,
    removeCamera,
    setCameras,
    metrics,
    status: () => [...running.values()].map((r) => r.worker.status()),
    liveHub(id) {
      const r = running.get(id);
      return r ? (r.media?.hub ?? null) : undefined;
    },
    clips,
    async close() {
      if (closed) return;
      closed = true;
      await clips?.close();
      const all = [...running.values()];
      running.clear();
      await Promise.all(all.map(halt));
      // Each camera removed its own ring; the (per-process, by default) parent goes too once empty.
      if (mediaConfig) await rmdir(mediaConfig.ringDir).catch(() => undefined);
      // The cameras are no longer watched: say so rather than leave a stale "online" retained.
      for (const r of all) {
        const s = r.worker.status();
        const last = { ...s, state: "offline" as const, error: "ingest stopped", ts: new Date().toISOString() };
        statusOut.publish(last);
        deps.onStatus?.(last);
      }
      logger.info("ingest stopped");
    },
  };
}

/** Whether two configs decode the same stream the same way (only then can a running camera stay). */
function sameStream(a: CameraConfig, b: CameraConfig): boolean {
  return (
    a.url === b.url &&
    (a.sampleFps ?? null) === (b.sampleFps ?? null) &&
    !!a.keyframesOnly === !!b.keyframesOnly &&
    a.analytics.join(",") === b.analytics.join(",") &&
    // The stream copy is part of the ffmpeg command line (and of the worker's media).
    (a.liveView !== false) === (b.liveView !== false) &&
    (a.clips !== false) === (b.clips !== false)
  );
}
