import type { Fragment, InitSegment } from "./mp4-fragments.js";

/** Where a viewer's bytes go (media-routes: the HTTP response's stream). */
export interface LiveSink {
  /** Queues bytes; false when the viewer is behind (its buffer is above its high-water mark). */
  write(data: Buffer): boolean;
  /** The stream is over (the camera's connection ended, or the viewer was dropped). */
  end(): void;
}

export interface LiveViewer {
  /** The viewer left: it gets nothing more and no longer counts. */
  close(): void;
  /** RFC 6381 codec string of the stream it receives (for MediaSource). */
  readonly codec: string | null;
}

export type SubscribeResult = { ok: true; viewer: LiveViewer } | { ok: false; reason: "full" | "no_video" };

export interface LiveHubOptions {
  /** Viewers at once; one more is refused ("full"). Default 16. */
  maxViewers?: number;
  /**
   * A viewer whose writes have said "behind" for this long is dropped (its console reconnects at the
   * live edge) rather than buffered without end. Default 5 s.
   */
  maxBehindMs?: number;
  /** Fragments kept for a newcomer since the last keyframe (bounds memory for cameras with very long GOPs). Default 600. */
  maxGopFragments?: number;
  now?: () => number;
}

interface Subscriber {
  sink: LiveSink;
  /** Since when its writes have said "behind" (null: keeping up). */
  behindSince: number | null;
}

/**
 * Fans one camera's fragmented MP4 out to its live viewers. A newcomer gets the init segment and the
 * fragments since the last keyframe, so its first picture does not wait for the next keyframe. A
 * write never waits: the camera's one ffmpeg serves analysis too, and one slow viewer must neither
 * hold it up nor make the others late; such a viewer is dropped once it has been behind too long.
 */
export class LiveHub {
  private init: InitSegment | null = null;
  private gop: Fragment[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly waiting = new Set<() => void>();
  private closed = false;
  private readonly maxViewers: number;
  private readonly maxBehindMs: number;
  private readonly maxGopFragments: number;
  private readonly now: () => number;
  /** Viewers dropped for being too slow (tests, logs). */
  droppedSlow = 0;

  constructor(o: LiveHubOptions = {}) {
    this.maxViewers = o.maxViewers ?? 16;
    this.maxBehindMs = o.maxBehindMs ?? 5_000;
    this.maxGopFragments = o.maxGopFragments ?? 600;
    this.now = o.now ?? Date.now;
  }

  get viewerCount(): number {
    return this.subscribers.size;
  }

  /** Whether a viewer would get a picture now: the init segment and a keyframe are there. */
  get ready(): boolean {
    return !!this.init && this.gop.length > 0;
  }

  get codec(): string | null {
    return this.init?.codec ?? null;
  }

  /** True once ready (at once if it is), false after `timeoutMs` or when the hub closes. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve(this.ready);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiting.add(done);
    });
  }

  subscribe(sink: LiveSink): SubscribeResult {
    if (this.closed || !this.ready) return { ok: false, reason: "no_video" };
    if (this.subscribers.size >= this.maxViewers) return { ok: false, reason: "full" };
    const sub: Subscriber = { sink, behindSince: null };
    this.subscribers.add(sub);
    this.send(sub, this.init!.data);
    for (const f of this.gop) if (this.subscribers.has(sub)) this.send(sub, f.data);
    const codec = this.init!.codec;
    return {
      ok: true,
      viewer: {
        codec,
        close: () => {
          this.subscribers.delete(sub);
        },
      },
    };
  }

  /** A new connection's init segment (ffmpeg restarted): the previous run's viewers were ended by `runEnded`. */
  setInit(init: InitSegment): void {
    this.init = init;
    this.gop = [];
  }

  pushFragment(fragment: Fragment): void {
    if (!this.init) return;
    if (fragment.keyframe) this.gop = [fragment];
    else if (this.gop.length) {
      // Before the first keyframe there is nothing a newcomer could start from.
      if (this.gop.length >= this.maxGopFragments) this.gop = [];
      else this.gop.push(fragment);
    }
    if (fragment.keyframe && this.waiting.size) for (const wake of [...this.waiting]) wake();
    for (const sub of this.subscribers) this.send(sub, fragment.data);
  }

  /** The camera's connection ended: every viewer's stream ends (their players reconnect to the next one). */
  runEnded(): void {
    this.init = null;
    this.gop = [];
    this.endAll();
  }

  close(): void {
    this.closed = true;
    this.runEnded();
    for (const wake of [...this.waiting]) wake();
  }

  private send(sub: Subscriber, data: Buffer): void {
    let keepingUp: boolean;
    try {
      keepingUp = sub.sink.write(data);
    } catch {
      return this.drop(sub);
    }
    if (keepingUp) sub.behindSince = null;
    else if (sub.behindSince === null) sub.behindSince = this.now();
    else if (this.now() - sub.behindSince > this.maxBehindMs) {
      this.droppedSlow++;
      this.drop(sub);
    }
  }

  private drop(sub: Subscriber): void {
    this.subscribers.delete(sub);
    try {
      sub.sink.end();
    } catch {
      // already gone
    }
  }

  private endAll(): void {
    for (const sub of [...this.subscribers]) this.drop(sub);
  }
}
