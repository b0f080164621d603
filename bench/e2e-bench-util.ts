/**
 * Shared by the end-to-end, capacity and memory benchmarks: percentiles, load average, cached
 * synthetic street clips, and the RSS of this process and its children.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { generateStreetVideo, type GroundTruth } from "@vigil/synthetic";
import { DEFAULT_FRAME_SCALER, frameScaleFilter } from "@vigil/contracts";
import { ffmpegHasFilter, resolveScaler, type FrameScaler } from "@vigil/ingest";

const run = promisify(execFile);

export const MODELS_DIR = path.resolve(process.env.MODELS_DIR ?? path.join(import.meta.dirname, "..", "..", "shared", "models"));

/** p50/p95/max of a list. */
export function pct(values: number[]): { n: number; p50: number; p95: number; max: number; mean: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s.at(-1) ?? NaN, mean };
}

export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

/** The whole machine's busy and total CPU time so far (seconds, all cores), from the first line of /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy / 100, total: (busy + idle + iowait) / 100 };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

export const CLIP_DIR = path.join(tmpdir(), "vigil-e2e-clips");

/**
 * A synthetic street clip with `wanted` on it, generated once and kept in the temp dir (same
 * options give the same video, so a cached file is the same one).
 */
export async function cachedClip(o: { seed: number; wanted?: string; durationS: number; width: number; height: number; fire?: boolean }): Promise<{ video: string; truth: GroundTruth }> {
  await mkdir(CLIP_DIR, { recursive: true });
  const name = `s${o.seed}-${o.width}x${o.height}-${o.durationS}s-${(o.wanted ?? "none").replace(/[^A-Z0-9]/gi, "")}${o.fire ? "-fire" : ""}`;
  const video = path.join(CLIP_DIR, `${name}.mp4`);
  const truthFile = path.join(CLIP_DIR, `${name}.json`);
  if (existsSync(video) && existsSync(truthFile)) return { video, truth: JSON.parse(await readFile(truthFile, "utf8")) as GroundTruth };
  const r = await generateStreetVideo({
    seed: o.seed,
    out: video,
    truthOut: truthFile,
    durationS: o.durationS,
    width: o.width,
    height: o.height,
    fps: 25,
    gop: 50,
    ...(o.wanted ? { wanted: o.wanted } : {}),
    ...(o.fire ? { fire: { startS: o.durationS * 0.3, endS: o.durationS * 0.8 } } : {}),
  });
  return { video: r.video, truth: r.truth };
}

/** The capacity and soak benchmarks' camera: 20 s of 1920×1080 25 fps street with plates and a fire, 12-frame GOP. */
export async function clip1080(): Promise<string> {
  const out = path.join(CLIP_DIR, "capacity-street-1080p-20s-gop12.mp4");
  if (existsSync(out)) return out;
  await mkdir(CLIP_DIR, { recursive: true });
  await generateStreetVideo({ seed: 42, out, durationS: 20, width: 1920, height: 1080, fps: 25, gop: 12, wanted: "51F-123.45", fire: { startS: 6, endS: 15 } });
  return out;
}

/** Joins clips of identical encoding into one file without re-encoding. */
export async function concatClips(clips: string[], out: string): Promise<string> {
  if (existsSync(out)) return out;
  const list = `${out}.txt`;
  writeFileSync(list, clips.map((c) => `file '${c.replace(/'/g, "'\\''")}'`).join("\n") + "\n");
  await run("ffmpeg", ["-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", `${out}.part.mp4`]);
  await run("mv", [`${out}.part.mp4`, out]);
  return out;
}

/** Resident memory (MiB) of one process from /proc. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Direct and indirect children of a process (ffmpeg decoders, RTSP servers). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    let kids: string[] = [];
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    } catch {
      // gone
    }
    for (const k of kids) {
      out.push(Number(k));
      stack.push(Number(k));
    }
  }
  return out;
}

export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** CPU seconds (user+sys) each thread of this process has used so far, by thread id, from /proc/self/task. */
export function threadCpuSeconds(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const tid of tids) out.set(Number(tid), cpuSecondsOf(`self/task/${tid}`));
  return out;
}

/** CPU seconds (user+sys) a process (or `self/task/<tid>`: a thread) has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number | string): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    // fields 14, 15 (utime, stime) are at 11, 12 after the ")" state field
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return 0;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function fmt(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(0).padStart(6) : "     -";
}

/** A coarse picture signature (mean green per cell of a 32×18 grid) to find a frame in a video. */
export function frameSignature(rgb: Buffer | Uint8Array, width: number, height: number): Float32Array {
  const gx = 32;
  const gy = 18;
  const out = new Float32Array(gx * gy);
  const counts = new Uint32Array(gx * gy);
  for (let y = 0; y < height; y += 3) {
    const cy = Math.min(gy - 1, Math.floor((y * gy) / height));
    const row = y * width * 3;
    for (let x = 0; x < width; x += 3) {
      const c = cy * gx + Math.min(gx - 1, Math.floor((x * gx) / width));
      out[c]! += rgb[row + x * 3 + 1]!;
      counts[c]!++;
    }
  }
  for (let i = 0; i < out.length; i++) out[i]! /= Math.max(1, counts[i]!);
  return out;
}

function distance(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d / a.length;
}

/**
 * Signatures of the first `seconds` of a video's frames, decoded as ingest decodes them (same
 * scale and RGB conversion), so that a sampled frame can be placed on the file's own timeline.
 */
export async function referenceSignatures(video: string, seconds: number, width: number, height: number): Promise<Float32Array[]> {
  const { spawn } = await import("node:child_process");
  const frameBytes = width * height * 3;
  const sigs: Float32Array[] = [];
  const child = spawn("ffmpeg", ["-loglevel", "error", "-i", video, "-t", String(seconds), "-an", "-vf", frameScaleFilter(width, benchScaler()), "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"], { stdio: ["ignore", "pipe", "inherit"] });
  // One frame buffer filled in place (concatenating 64 KiB pipe chunks would copy each frame ~40 times).
  const frame = Buffer.alloc(frameBytes);
  let filled = 0;
  child.stdout.on("data", (d: Buffer) => {
    let at = 0;
    while (at < d.length) {
      const n = Math.min(frameBytes - filled, d.length - at);
      d.copy(frame, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === frameBytes) {
        sigs.push(frameSignature(frame, width, height));
        filled = 0;
      }
    }
  });
  await new Promise((r) => child.on("close", r));
  return sigs;
}

/** Index of the reference frame a signature matches best, and how clearly (best vs. runner-up distance). */
export function locateFrame(sig: Float32Array, refs: Float32Array[]): { index: number; distance: number } {
  let best = -1;
  let bestD = Infinity;
  refs.forEach((r, i) => {
    const d = distance(sig, r);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return { index: best, distance: bestD };
}

/** Every third frame of a video file, scaled to 1280×720 RGB (the plate benches' moving CCTV frames). */
export function cctvFrames1280(file: string, n: number): Array<{ data: Buffer; width: number; height: number }> {
  const r = spawnSync("ffmpeg", ["-v", "error", "-i", file, "-vf", "select=not(mod(n\\,3)),scale=1280:720", "-fps_mode", "passthrough", "-frames:v", String(n), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  const size = 1280 * 720 * 3;
  const out: Array<{ data: Buffer; width: number; height: number }> = [];
  for (let o = 0; o + size <= r.stdout.length; o += size) out.push({ data: r.stdout.subarray(o, o + size), width: 1280, height: 720 });
  return out;
}

/**
 * The frame scaler the ingest service would pick here (INGEST_SCALER, default swscale; auto: zscale where
 * this ffmpeg has it), so a bench that builds its ingest config by hand measures the service's default path.
 */
export function benchScaler(): FrameScaler {
  const wanted = process.env.INGEST_SCALER ?? DEFAULT_FRAME_SCALER;
  if (wanted !== "auto" && wanted !== "zscale" && wanted !== "swscale") throw new Error(`INGEST_SCALER=${wanted}: auto, zscale or swscale`);
  return resolveScaler(wanted, () => ffmpegHasFilter("ffmpeg", "zscale"));
}
