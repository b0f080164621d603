import type { Frame, FrameSink } from "@vigil/contracts";

export interface FrameQueueEvents {
  /** A frame was thrown away because the sink had not taken the ones before it. */
  onDrop?(frame: Frame): void;
  /** The sink took a frame; `ms` is how long it waited in the queue plus the submit itself. */
  onDelivered?(frame: Frame, ms: number): void;
  onError?(err: unknown, frame: Frame): void;
  /**
   * The queue is done with a frame, whichever way it left: delivered (its submit settled), failed,
   * dropped, or discarded by `close`. Nothing here reads its pixels after this (FrameSink lends them
   * until submit settles), so the camera may reuse the buffer.
   */
  onDone?(frame: Frame): void;
}

/**
 * Per-camera hand-off with backpressure: at most one `submit` in flight and at most `capacity`
 * frames waiting. When inference falls behind, the OLDEST waiting frame is dropped, because a
 * command center wants the newest picture, and memory stays bounded whatever the sink does.
 */
export class FrameQueue {
  private readonly waiting: { frame: Frame; at: number }[] = [];
  private inFlight: Promise<void> | null = null;
  private closed = false;
  dropped = 0;
  delivered = 0;

  constructor(
    private readonly sink: FrameSink,
    private readonly capacity = 2,
    private readonly events: FrameQueueEvents = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    if (capacity < 1) throw new Error("capacity must be at least 1");
  }

  push(frame: Frame): void {
    if (this.closed) return void this.events.onDone?.(frame);
    if (this.waiting.length >= this.capacity) {
      const oldest = this.waiting.shift()!;
      this.dropped++;
      this.events.onDrop?.(oldest.frame);
      this.events.onDone?.(oldest.frame);
    }
    this.waiting.push({ frame, at: this.now() });
    this.pump();
  }

  get depth(): number {
    return this.waiting.length;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Stops accepting frames and waits (bounded) for the one in flight. */
  async close(timeoutMs = 2000): Promise<void> {
    this.closed = true;
    for (const { frame } of this.waiting.splice(0)) this.events.onDone?.(frame);
    if (this.inFlight) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.inFlight, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
  }

  private pump(): void {
    if (this.inFlight || this.closed) return;
    const next = this.waiting.shift();
    if (!next) return;
    let submitted: Promise<void>;
    try {
      submitted = Promise.resolve(this.sink.submit(next.frame));
    } catch (err) {
      submitted = Promise.reject(err);
    }
    this.inFlight = submitted.then(
      () => {
        this.delivered++;
        this.events.onDelivered?.(next.frame, this.now() - next.at);
      },
      (err: unknown) => this.events.onError?.(err, next.frame),
    ).finally(() => {
      this.events.onDone?.(next.frame);
      this.inFlight = null;
      this.pump();
    });
  }
}
