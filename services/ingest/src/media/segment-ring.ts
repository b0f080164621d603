import { mkdir, open, rm, unlink, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Fragment } from "./mp4-fragments.js";

export interface SegmentRingOptions {
  /** This camera's own directory (emptied at start: what is there is a previous process's). */
  dir: string;
  /** Video kept, by wall time (default 60 s). */
  keepMs?: number;
  now?: () => number;
  /** A write failed (full disk…): that segment is left out of clips; the ring goes on with the next. */
  onWriteError?: (err: Error) => void;
}

/** A stretch of one run, starting at a keyframe, on disk as consecutive fragments. */
interface Segment {
  seq: number;
  run: number;
  file: string;
  startMs: number;
  endMs: number;
  /** Bytes written (and so readable); the file may briefly hold more while a write is under way. */
  bytes: number;
  /** A write failed: not usable in a clip, and the chain of its run breaks there. */
  broken: boolean;
  /** No more fragments will be appended. */
  done: boolean;
  holds: number;
  handle: Promise<FileHandle | null> | null;
}

interface Run {
  id: number;
  initFile: string;
  initOk: boolean;
}

/** What a clip is cut from: one run's init segment and a gap-free chain of its segments. */
export interface RingSelection {
  initFile: string;
  parts: { file: string; bytes: number }[];
  /** Wall time of the first keyframe and of the end of the last fragment. */
  startMs: number;
  endMs: number;
  /** Lets pruning delete these files again (call once the clip is written, or given up). */
  release(): void;
}

/**
 * A camera's last minute (keepMs) of video on disk, as written by ffmpeg (stream copy, no re-encode):
 * per connection ("run") one init segment and segments that each start at a keyframe. Fragments are
 * timed by their arrival (wall clock): alerts name wall-clock times. Writes are queued in order and
 * never awaited by the caller, so the camera's pipe is never held up by the disk.
 */
export class SegmentRing {
  private readonly keepMs: number;
  private readonly now: () => number;
  private segments: Segment[] = [];
  private runs = new Map<number, Run>();
  private run: Run | null = null;
  private current: Segment | null = null;
  private nextRun = 0;
  private nextSeq = 0;
  private chain: Promise<void>;
  private closed = false;
  /** Bytes that could not be written since start (a full disk). */
  writeErrors = 0;

  constructor(private readonly o: SegmentRingOptions) {
    this.keepMs = o.keepMs ?? 60_000;
    this.now = o.now ?? Date.now;
    this.chain = rm(o.dir, { recursive: true, force: true })
      .then(() => mkdir(o.dir, { recursive: true }))
      .then(() => undefined)
      .catch((err: Error) => this.failed(err));
  }

  get dir(): string {
    return this.o.dir;
  }

  /** A new connection: its init segment (the codec parameters may differ from the last one's). */
  startRun(init: Buffer): void {
    if (this.closed) return;
    this.endRun();
    const run: Run = { id: this.nextRun++, initFile: path.join(this.o.dir, `run-${this.nextRun - 1}-init.mp4`), initOk: false };
    this.run = run;
    this.runs.set(run.id, run);
    this.enqueue(async () => {
      await writeFile(run.initFile, init);
      run.initOk = true;
    });
  }

  /** Appends a fragment; one that starts at a keyframe starts a new segment. Before the run's first keyframe: dropped. */
  append(fragment: Fragment): void {
    const run = this.run;
    if (this.closed || !run) return;
    const now = this.now();
    const startMs = now - fragment.durationMs;
    if (fragment.keyframe || (this.current && this.current.broken)) {
      // A broken segment ends its chain; the next one starts at the next keyframe only.
      if (!fragment.keyframe) return;
      this.finish(this.current);
      const seg: Segment = { seq: this.nextSeq++, run: run.id, file: path.join(this.o.dir, `run-${run.id}-${this.nextSeq - 1}.m4s`), startMs, endMs: now, bytes: 0, broken: false, done: false, holds: 0, handle: null };
      seg.handle = this.openSegment(seg);
      this.segments.push(seg);
      this.current = seg;
      this.prune(now);
    }
    const seg = this.current;
    if (!seg) return;
    seg.endMs = now;
    const data = fragment.data;
    this.enqueue(async () => {
      if (seg.broken) return;
      const fh = await seg.handle;
      if (!fh) return;
      try {
        await fh.write(data);
        seg.bytes += data.length;
      } catch (err) {
        seg.broken = true;
        throw err;
      }
    });
  }

  /** The connection ended: the current segment is complete as it is. */
  endRun(): void {
    this.finish(this.current);
    this.current = null;
    this.run = null;
  }

  /** Wall time up to which video is written in the current run (null: none). */
  coveredUntil(): number | null {
    const last = this.segments.at(-1);
    return last && !last.broken && last.run === this.run?.id ? last.endMs : null;
  }

  /** Wall time of the oldest video kept (null: none). */
  oldestMs(): number | null {
    return this.segments.find((s) => !s.broken)?.startMs ?? null;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Written segment files, oldest first (tests, the bench). */
  files(): string[] {
    return this.segments.map((s) => s.file);
  }

  /** Every write queued so far has completed (or failed). */
  flushed(): Promise<void> {
    return this.chain;
  }

  /**
   * The video covering [fromMs, toMs] best: of the runs that overlap it, the gap-free chain of
   * segments overlapping it most, from the keyframe at or before `fromMs`. Held until released, so
   * pruning cannot delete it while a clip is cut. Null: nothing recorded for that time.
   */
  async select(fromMs: number, toMs: number): Promise<RingSelection | null> {
    await this.flushed();
    const overlaps = (s: Segment) => Math.max(0, Math.min(s.endMs, toMs) - Math.max(s.startMs, fromMs));
    let best: Segment[] = [];
    let bestCover = 0;
    let chain: Segment[] = [];
    let cover = 0;
    const close = () => {
      if (chain.length && cover > bestCover) {
        best = chain;
        bestCover = cover;
      }
      chain = [];
      cover = 0;
    };
    for (const s of this.segments) {
      const usable = !s.broken && s.bytes > 0 && this.runs.get(s.run)?.initOk === true;
      const o = usable ? overlaps(s) : 0;
      const prev = chain.at(-1);
      if (!usable || o === 0 || (prev && (prev.run !== s.run || prev.seq !== s.seq - 1))) close();
      if (usable && o > 0) {
        chain.push(s);
        cover += o;
      }
    }
    close();
    if (!best.length) return null;
    const run = this.runs.get(best[0]!.run)!;
    for (const s of best) s.holds++;
    let released = false;
    return {
      initFile: run.initFile,
      parts: best.map((s) => ({ file: s.file, bytes: s.bytes })),
      startMs: best[0]!.startMs,
      endMs: best.at(-1)!.endMs,
      release: () => {
        if (released) return;
        released = true;
        for (const s of best) s.holds--;
      },
    };
  }

  /** Stops writing and removes the directory (the ring is scratch space, never evidence). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.endRun();
    this.closed = true;
    await this.chain;
    for (const s of this.segments) await (await s.handle)?.close().catch(() => undefined);
    this.segments = [];
    await rm(this.o.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  private openSegment(seg: Segment): Promise<FileHandle | null> {
    const opened = this.chain.then(() => open(seg.file, "w")).catch((err: Error) => {
      seg.broken = true;
      this.failed(err);
      return null;
    });
    this.chain = opened.then(() => undefined);
    return opened;
  }

  private finish(seg: Segment | null): void {
    if (!seg || seg.done) return;
    seg.done = true;
    this.enqueue(async () => {
      await (await seg.handle)?.close();
    });
  }

  /** Old segments go (unless a clip holds them), then init files no segment needs any more. */
  private prune(now: number): void {
    const cutoff = now - this.keepMs;
    const gone = this.segments.filter((s) => s.done && s.holds === 0 && s.endMs < cutoff);
    if (!gone.length) return;
    const goneSet = new Set(gone);
    this.segments = this.segments.filter((s) => !goneSet.has(s));
    const needed = new Set(this.segments.map((s) => s.run));
    const oldRuns = [...this.runs.values()].filter((r) => r !== this.run && !needed.has(r.id));
    for (const r of oldRuns) this.runs.delete(r.id);
    this.enqueue(async () => {
      for (const f of [...gone.map((s) => s.file), ...oldRuns.map((r) => r.initFile)]) await unlink(f).catch(() => undefined);
    });
  }

  private enqueue(op: () => Promise<void>): void {
    this.chain = this.chain.then(op).catch((err: Error) => this.failed(err));
  }

  private failed(err: Error): void {
    this.writeErrors++;
    this.o.onWriteError?.(err);
  }
}
