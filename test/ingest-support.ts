import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import type { Frame, FrameSink } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";

const run = promisify(execFile);

/** A short H.264 clip made with ffmpeg's test source, for file cameras and the RTSP file server. */
export async function makeClip(opts: { seconds: number; width?: number; height?: number; fps?: number; gop?: number }): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "vigil-ingest-"));
  const file = path.join(dir, "clip.mp4");
  const { width = 640, height = 360, fps = 25, gop = 25 } = opts;
  await run("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${fps}`, "-t", String(opts.seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", String(gop), "-pix_fmt", "yuv420p", file]);
  return file;
}

/** A frame sink that records what reached it, per camera, with arrival times. */
export function recordingSink(): FrameSink & { frames: Map<string, { frame: Frame; at: number }[]>; count(id: string, sinceMs?: number): number } {
  const frames = new Map<string, { frame: Frame; at: number }[]>();
  return {
    frames,
    async submit(frame) {
      const list = frames.get(frame.cameraId) ?? [];
      // A copy: the frame's buffer is only lent until submit settles (FrameSink).
      list.push({ frame: { ...frame, data: Buffer.from(frame.data) }, at: Date.now() });
      frames.set(frame.cameraId, list);
    },
    count(id, sinceMs = 0) {
      return (frames.get(id) ?? []).filter((f) => f.at >= sinceMs).length;
    },
  };
}

/** A logger whose every line is kept, to check what reaches the logs. */
export function capturingLogger(level = "debug") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger({ name: "ingest-test", level, destination }), lines };
}

/** `what` may be a function, to say in the error what there was at the timeout. */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

export function camera(id: string, url: string, extra: Record<string, unknown> = {}) {
  return { id, name: id, url, lat: 10.77, lon: 106.7, analytics: ["plates" as const, "fire" as const], ...extra };
}
