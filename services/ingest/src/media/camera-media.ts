import type { Logger } from "@vigil/contracts/node";
import { LiveHub } from "./live-hub.js";
import { Mp4FragmentReader } from "./mp4-fragments.js";
import { SegmentRing } from "./segment-ring.js";

/** What the camera worker feeds: the fragmented MP4 of each ffmpeg run (camera-worker.ts, MEDIA_FD). */
export interface MediaPipe {
  /** A new ffmpeg run starts; its output begins with a fresh init segment. */
  runStarted(): void;
  /** Bytes as they come out of the pipe; never blocks, never throws. */
  push(chunk: Buffer): void;
  /** The run ended (camera lost, stall, stop). */
  runEnded(): void;
}

export interface CameraMediaOptions {
  cameraId: string;
  /** Serve live viewers (camera `liveView`, default on). */
  liveView: boolean;
  /** Keep a ring for clips here (camera `clips` on); absent: no ring. */
  ringDir?: string;
  ringKeepMs?: number;
  maxViewers?: number;
  logger: Logger;
  onRingWriteError?: (err: Error) => void;
  now?: () => number;
}

/**
 * One camera's stream copy: parses ffmpeg's fragmented MP4 into init segment and fragments, and
 * hands each to the live hub (viewers) and the ring (clips). Nothing here waits on a viewer or on the
 * disk, so the pipe is always drained and analysis never waits for either.
 */
export class CameraMedia implements MediaPipe {
  readonly hub: LiveHub | null;
  readonly ring: SegmentRing | null;
  private reader: Mp4FragmentReader | null = null;
  private readonly log: Logger;
  private lastRingErrorLog = 0;
  private closed = false;

  constructor(o: CameraMediaOptions) {
    this.log = o.logger.child({ camera: o.cameraId, module: "media" });
    this.hub = o.liveView ? new LiveHub({ ...(o.maxViewers ? { maxViewers: o.maxViewers } : {}), ...(o.now ? { now: o.now } : {}) }) : null;
    this.ring = o.ringDir
      ? new SegmentRing({
          dir: o.ringDir,
          ...(o.ringKeepMs ? { keepMs: o.ringKeepMs } : {}),
          ...(o.now ? { now: o.now } : {}),
          onWriteError: (err) => {
            o.onRingWriteError?.(err);
            // A full disk fails every write: one line a minute says it.
            if (Date.now() - this.lastRingErrorLog > 60_000) {
              this.lastRingErrorLog = Date.now();
              this.log.warn({ err }, "clip ring: writing video failed (clips for this time are lost; analysis and live view go on)");
            }
          },
        })
      : null;
  }

  runStarted(): void {
    if (this.closed) return;
    this.hub?.runEnded();
    this.ring?.endRun();
    this.reader = new Mp4FragmentReader({
      onInit: (init) => {
        this.hub?.setInit(init);
        this.ring?.startRun(init.data);
      },
      onFragment: (fragment) => {
        this.hub?.pushFragment(fragment);
        this.ring?.append(fragment);
      },
    });
  }

  push(chunk: Buffer): void {
    const reader = this.reader;
    if (!reader || this.closed) return;
    try {
      reader.push(chunk);
    } catch (err) {
      // Not what ffmpeg's mp4 muxer writes: stop reading this run rather than guess at boundaries.
      this.reader = null;
      this.log.warn({ err }, "the camera's video copy is unreadable: no live view or clips until it reconnects");
      this.hub?.runEnded();
      this.ring?.endRun();
    }
  }

  runEnded(): void {
    this.reader = null;
    this.hub?.runEnded();
    this.ring?.endRun();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader = null;
    this.hub?.close();
    await this.ring?.close();
  }
}
