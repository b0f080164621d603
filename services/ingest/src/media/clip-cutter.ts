import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { CLIP_AFTER_MS, CLIP_BEFORE_MS, type ClipRequest, type ClipResponse, type ClipUnavailable } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { RingSelection, SegmentRing } from "./segment-ring.js";

export type ClipResult = "written" | ClipUnavailable["error"];
export type ClipOutcome = { ok: true; clip: ClipResponse } | { ok: false; error: ClipUnavailable };

export interface ClipCutter {
  /** Cuts the event's clip once the ring holds video up to CLIP_AFTER_MS after it (or the camera is gone). */
  request(req: ClipRequest): Promise<ClipOutcome>;
  /** Clips being cut or waited for. */
  readonly pending: number;
  close(): Promise<void>;
}

export interface ClipCutterDeps {
  ffmpegPath: string;
  /** Clips go to `<mediaDir>/<cameraId>/<yyyy-mm-dd>/<eventId>.mp4`, beside the event's evidence JPEG. */
  mediaDir: string;
  /** The camera's ring: undefined when the camera is not run here, null when its clips are off. */
  ringFor(cameraId: string): SegmentRing | null | undefined;
  logger: Logger;
  onResult?: (result: ClipResult) => void;
  now?: () => number;
  /** How long past the clip's end to wait for video still on its way (default 3 s). */
  graceMs?: number;
  /** Clips remuxed at once; the others wait their turn (default 2). */
  maxConcurrent?: number;
  /** An event further in the future than this is refused (default 60 s). */
  maxFutureMs?: number;
}

/**
 * Event clips from the cameras' rings: the keyframe at or before `at − 5 s` to `at + 10 s`, joined
 * from one run's segments and remuxed by ffmpeg with `-c copy` (no decoding) into an ordinary MP4
 * with its index at the front, so a browser plays it at once and ffprobe knows its duration. Written
 * under a temporary name and renamed only when complete, hashed from the bytes on disk: a full disk
 * costs the clip (`failed`), never leaves half a file, and never throws.
 */
export function createClipCutter(deps: ClipCutterDeps): ClipCutter {
  const now = deps.now ?? Date.now;
  const graceMs = deps.graceMs ?? 3_000;
  const maxConcurrent = deps.maxConcurrent ?? 2;
  const maxFutureMs = deps.maxFutureMs ?? 60_000;
  const children = new Set<ChildProcess>();
  const wakers = new Set<() => void>();
  const turnQueue: (() => void)[] = [];
  let running = 0;
  let pending = 0;
  let closed = false;

  const fail = (error: ClipUnavailable["error"], message: string): ClipOutcome => ({ ok: false, error: { error, message } });

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      wakers.add(done);
    });
  }

  async function turn(): Promise<() => void> {
    if (running >= maxConcurrent) await new Promise<void>((resolve) => turnQueue.push(resolve));
    running++;
    return () => {
      running--;
      turnQueue.shift()?.();
    };
  }

  async function cut(req: ClipRequest): Promise<ClipOutcome> {
    const atMs = Date.parse(req.at);
    if (atMs > now() + maxFutureMs) return fail("bad_request", "the event time is in the future");
    const ring = deps.ringFor(req.cameraId);
    if (ring === undefined) return fail("not_here", `camera ${req.cameraId} is not run by this ingest`);
    if (ring === null) return fail("disabled", `clips are off for camera ${req.cameraId}`);
    const fromMs = atMs - CLIP_BEFORE_MS;
    const toMs = atMs + CLIP_AFTER_MS;
    // Wait for the end of the clip to be recorded; a camera that is down (no current run) once the
    // clip's time is over sends nothing more: cut what there is.
    for (;;) {
      if (closed) return fail("failed", "ingest is stopping");
      const covered = ring.coveredUntil();
      const t = now();
      if ((covered !== null && covered >= toMs) || (covered === null && t >= toMs) || t >= toMs + graceMs) break;
      await sleep(Math.min(250, Math.max(20, toMs - t)));
    }
    const oldest = ring.oldestMs();
    const selection = await ring.select(fromMs, toMs);
    if (!selection) return fail("no_video", oldest !== null && oldest > toMs ? "the video of that time is no longer kept" : "no video was recorded for that time (the camera was offline)");
    try {
      const release = await turn();
      try {
        if (closed) return fail("failed", "ingest is stopping");
        return await write(req, selection, Math.min(selection.endMs, toMs));
      } finally {
        release();
      }
    } finally {
      selection.release();
    }
  }

  async function write(req: ClipRequest, sel: RingSelection, untilMs: number): Promise<ClipOutcome> {
    const day = new Date(Date.parse(req.at)).toISOString().slice(0, 10);
    const rel = `${req.cameraId}/${day}/${req.eventId}.mp4`;
    const file = path.join(deps.mediaDir, rel);
    const temp = `${file}.tmp`;
    const durationS = Math.max(0, (untilMs - sel.startMs) / 1000);
    const response = (sha: string): ClipOutcome => ({
      ok: true,
      clip: { clip: `/media/${rel}`, clipSha256: sha, from: new Date(sel.startMs).toISOString(), to: new Date(untilMs).toISOString(), durationS: Math.round(durationS * 100) / 100 },
    });
    // The same event asked again (a retry after a lost answer): the clip written the first time stands.
    if (await stat(file).then((s) => s.isFile(), () => false)) return response(await sha256Of(file));
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await remux(sel, durationS, temp);
      const sha = await sha256Of(temp);
      await rename(temp, file);
      deps.logger.info({ camera: req.cameraId, eventId: req.eventId, at: req.at, from: new Date(sel.startMs).toISOString(), durationS: Math.round(durationS * 100) / 100, segments: sel.parts.length }, "event clip written");
      return response(sha);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      deps.logger.warn({ err, camera: req.cameraId, eventId: req.eventId }, "writing an event clip failed (the alert keeps its evidence picture)");
      return fail("failed", `writing the clip failed: ${(err as Error).message.slice(0, 200)}`);
    }
  }

  /** init + segments on ffmpeg's stdin (a fragmented MP4 as one stream), out as a faststart MP4. */
  async function remux(sel: RingSelection, durationS: number, out: string): Promise<void> {
    const args = ["-hide_banner", "-loglevel", "error", "-f", "mp4", "-i", "pipe:0", "-map", "0:v:0", "-c", "copy", "-t", durationS.toFixed(3), "-movflags", "+faststart", "-f", "mp4", "-y", out];
    const child = spawn(deps.ffmpegPath, args, { stdio: ["pipe", "ignore", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString("utf8")).slice(-2000)));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve(code));
    });
    exited.catch(() => undefined);
    child.stdin!.on("error", () => undefined); // ffmpeg may stop reading once it has its -t
    try {
      await feed(child.stdin!, sel, exited);
    } catch {
      // ffmpeg closed its input early; its exit code says whether the clip is good.
    }
    child.stdin!.end();
    const code = await exited.finally(() => children.delete(child));
    if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim().slice(-300)}`);
  }

  async function feed(stdin: Writable, sel: RingSelection, exited: Promise<unknown>): Promise<void> {
    let gone = false;
    void exited.finally(() => (gone = true)).catch(() => undefined);
    for (const part of [{ file: sel.initFile, bytes: Infinity }, ...sel.parts]) {
      if (part.bytes === 0) continue;
      const src = createReadStream(part.file, Number.isFinite(part.bytes) ? { end: part.bytes - 1 } : {});
      try {
        for await (const chunk of src) {
          if (gone || stdin.destroyed) return;
          if (!stdin.write(chunk as Buffer)) await Promise.race([once(stdin, "drain"), exited]);
        }
      } finally {
        src.destroy();
      }
    }
  }

  return {
    async request(req) {
      if (closed) return fail("failed", "ingest is stopping");
      pending++;
      let outcome: ClipOutcome;
      try {
        outcome = await cut(req);
      } catch (err) {
        deps.logger.warn({ err, camera: req.cameraId }, "event clip failed");
        outcome = fail("failed", (err as Error).message);
      } finally {
        pending--;
      }
      deps.onResult?.(outcome.ok ? "written" : outcome.error.error);
      return outcome;
    },
    get pending() {
      return pending;
    },
    async close() {
      closed = true;
      for (const wake of [...wakers]) wake();
      for (const next of turnQueue.splice(0)) next();
      for (const c of children) c.kill("SIGKILL");
      const deadline = Date.now() + 3_000;
      while (pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
