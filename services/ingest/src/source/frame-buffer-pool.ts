/**
 * Reusable pixel buffers for one camera. A 1280×720 RGB frame is 2.76 MB: allocating a fresh one
 * for every sampled frame costs its page faults and, once dropped, the garbage collector's work in
 * the process that also runs the hand-off (bench/ingest-capacity.ts: about half of ingest's own
 * CPU). A buffer goes back to the pool only when its frame is certainly finished with: the frame
 * sink's `submit` has settled (FrameSink's contract), the queue dropped it, or the sampler skipped
 * it. Buffers of another size (the camera changed resolution) are left to the garbage collector.
 */
export class FrameBufferPool {
  private readonly free: Buffer[] = [];
  private readonly lent = new WeakSet<Buffer>();
  /** Buffers handed out that were newly allocated (not reused): the pool's misses. */
  allocated = 0;
  reused = 0;

  /** `keep`: free buffers held at most (a queue of 2 + one in flight + one being filled). */
  constructor(private readonly keep = 4) {}

  take(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length === size);
    let buf: Buffer;
    if (i >= 0) {
      buf = this.free.splice(i, 1)[0]!;
      this.reused++;
    } else {
      buf = Buffer.allocUnsafe(size);
      this.allocated++;
    }
    this.lent.add(buf);
    return buf;
  }

  /**
   * Hands a buffer back. Only buffers this pool lent are taken, each once: a frame whose data came
   * from elsewhere, or a second release of the same frame, changes nothing.
   */
  release(buf: Uint8Array): void {
    if (!Buffer.isBuffer(buf) || !this.lent.has(buf)) return;
    this.lent.delete(buf);
    // Older sizes go first: after a resolution change they will not be asked for again.
    if (this.free.length > 0 && this.free[0]!.length !== buf.length) this.free.length = 0;
    if (this.free.length < this.keep) this.free.push(buf);
  }

  get freeCount(): number {
    return this.free.length;
  }
}
