import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import sharp from "sharp";
import type { Detector, RgbImage } from "../detectors/detector.js";
import { createFireConfirmer } from "./fire-confirmer.js";
import { MotionGate } from "../intake/motion-gate.js";
import { createFirePipeline } from "./fire-pipeline.js";
import { FireRateGate, type FireRateOptions } from "./fire-rate-gate.js";
import { decodeIngestFrames } from "../image/ingest-frames.js";

/**
 * Video check for the fire model: builds a short synthetic clip (a real street photo with a real
 * held-out fire photo composited in from `fireFromS`, flickering in size and brightness as flames
 * do), encodes it to H.264 with ffmpeg, then decodes it back at a sampling rate, so detection runs
 * on what a camera path really delivers (compressed, decoded frames).
 */
export interface FireClipSpec {
  background: string;
  /** A real fire photo and the fire box to cut out of it ([x, y, w, h] fractions). */
  fireImage?: { path: string; box: [number, number, number, number] };
  fireFromS: number;
  durationS: number;
  fps: number;
  width: number;
  height: number;
  outPath: string;
}

function runFfmpeg(args: string[], input?: AsyncIterable<Buffer>): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr.trim()}`))));
    if (!input) {
      proc.stdin.end();
      return;
    }
    (async () => {
      for await (const chunk of input) {
        if (!proc.stdin.write(chunk)) await new Promise((r) => proc.stdin.once("drain", r));
      }
      proc.stdin.end();
    })().catch(reject);
  });
}

/** Cuts the fire (box + 15 % margin) with a feathered elliptical edge, as RGBA. */
async function fireSprite(fire: NonNullable<FireClipSpec["fireImage"]>, height: number): Promise<{ data: Buffer; width: number; height: number }> {
  const meta = await sharp(fire.path).metadata();
  const iw = meta.width ?? 1;
  const ih = meta.height ?? 1;
  const [bx, by, bw, bh] = fire.box;
  const left = Math.max(0, Math.floor((bx - bw * 0.15) * iw));
  const top = Math.max(0, Math.floor((by - bh * 0.15) * ih));
  const cw = Math.min(iw - left, Math.ceil(bw * 1.3 * iw));
  const ch = Math.min(ih - top, Math.ceil(bh * 1.3 * ih));
  const width = Math.max(8, Math.round((height * cw) / ch));
  const mask = Buffer.from(
    `<svg width="${width}" height="${height}"><defs><radialGradient id="g"><stop offset="70%" stop-color="white"/><stop offset="100%" stop-color="white" stop-opacity="0"/></radialGradient></defs><ellipse cx="${width / 2}" cy="${height / 2}" rx="${width / 2}" ry="${height / 2}" fill="url(#g)"/></svg>`,
  );
  const data = await sharp(fire.path)
    .extract({ left, top, width: cw, height: ch })
    .resize(width, height, { fit: "fill" })
    .ensureAlpha()
    .composite([{ input: mask, blend: "dest-in" }])
    .raw()
    .toBuffer();
  return { data, width, height };
}

async function* clipFrames(spec: FireClipSpec): AsyncGenerator<Buffer> {
  const background = await sharp(spec.background).resize(spec.width, spec.height, { fit: "cover" }).removeAlpha().png().toBuffer();
  const baseHeight = Math.round(spec.height * 0.35);
  const sprite = spec.fireImage ? await fireSprite(spec.fireImage, baseHeight) : undefined;
  const frames = Math.round(spec.durationS * spec.fps);
  for (let i = 0; i < frames; i += 1) {
    const t = i / spec.fps;
    let frame = sharp(background);
    if (sprite && t >= spec.fireFromS) {
      // Flames flicker: size and brightness change a little every frame.
      const jitter = 1 + 0.08 * Math.sin(t * 9.1) + 0.04 * Math.sin(t * 23.7);
      const w = Math.max(4, Math.round(sprite.width * jitter));
      const h = Math.max(4, Math.round(sprite.height * jitter));
      const piece = await sharp(sprite.data, { raw: { width: sprite.width, height: sprite.height, channels: 4 } })
        .resize(w, h, { fit: "fill" })
        .modulate({ brightness: 1 + 0.1 * Math.sin(t * 13.3) })
        .png()
        .toBuffer();
      frame = frame.composite([{ input: piece, left: Math.round(spec.width * 0.3 - w / 2), top: Math.round(spec.height * 0.92 - h) }]);
    }
    yield await frame.removeAlpha().raw().toBuffer();
  }
}

/** Renders the clip to an H.264 MP4 at spec.outPath. */
export async function buildFireClip(spec: FireClipSpec): Promise<string> {
  await runFfmpeg(
    [
      "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${spec.width}x${spec.height}`, "-r", String(spec.fps), "-i", "pipe:0",
      "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", spec.outPath,
    ],
    clipFrames(spec),
  );
  return spec.outPath;
}

/**
 * Decodes a video at `sampleFps` as ingest hands frames to inference (image/ingest-frames.ts: YUV 4:2:0 pictures,
 * ingest's scale), with their time from the start. `height` is what the caller expects from the aspect ratio.
 */
export async function* decodeSampledFrames(videoPath: string, sampleFps: number, width: number, height: number): AsyncGenerator<{ image: RgbImage; tS: number }> {
  for await (const frame of decodeIngestFrames(videoPath, { sampleFps, width })) {
    if (frame.image.height !== height) throw new Error(`${videoPath}: frames are ${frame.image.width}x${frame.image.height}, expected ${width}x${height}`);
    yield frame;
  }
}

/**
 * Picks the held-out fire photo for the clip by a fixed rule (not by what the model likes): in the
 * test split, the fire-smoke image whose single fire box is largest in pixels, fire-only labels.
 */
export async function pickHeldOutFireImage(datasetsDir: string, testSplit: string[]): Promise<{ path: string; box: [number, number, number, number] }> {
  let best: { path: string; box: [number, number, number, number]; pixels: number } | undefined;
  for (const rel of testSplit) {
    if (!rel.startsWith("fire-smoke/")) continue;
    const labelPath = path.join(datasetsDir, rel.replace("/images/", "/labels/").replace(/\.[^.]+$/, ".txt"));
    const rows = (await readFile(labelPath, "utf8")).trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
    if (rows.length !== 1 || rows[0]!.length !== 5 || rows[0]![0] !== 0) continue;
    const [, cx, cy, w, h] = rows[0] as [number, number, number, number, number];
    const meta = await sharp(path.join(datasetsDir, rel)).metadata();
    const pixels = w * (meta.width ?? 0) * h * (meta.height ?? 0);
    if (!best || pixels > best.pixels) best = { path: path.join(datasetsDir, rel), box: [cx - w / 2, cy - h / 2, w, h], pixels };
  }
  if (!best) throw new Error("no fire-only image in the test split");
  return { path: best.path, box: best.box };
}

/** A real street photo for the clip background (the first, by name, of the shared street set). */
export async function pickStreetBackground(datasetsDir: string): Promise<string> {
  const dir = path.join(datasetsDir, "vn-plate-frames", "street");
  const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  if (files.length === 0) throw new Error(`no street images in ${dir}`);
  return path.join(dir, files[0]!);
}

export interface VideoCheckResult {
  /** frames: sampled; analysed: those the fire chain looked at (the service's rate gate, fire/fire-rate-gate.ts). */
  withFire: { firstEventS: number | undefined; latencyS: number | undefined; events: number; frames: number; analysed: number };
  withoutFire: { events: number; smokeEvents: number; frames: number; analysed: number };
  /** Smoke events in the clip with fire (the composited photo is flames only). */
  smokeEventsWithFire: number;
}

/**
 * Runs the fire pipeline over a decoded clip sampled at 2 fps as the service does: default confirmer, and the
 * motion gate's thumbnails feeding the rate gate.
 */
async function eventsInClip(detector: Detector, clip: string, width: number, height: number, rate?: Partial<FireRateOptions>): Promise<{ fire: number[]; smoke: number[]; frames: number; analysed: number }> {
  const pipeline = createFirePipeline({
    detector,
    confirmer: createFireConfirmer(),
    rate: new FireRateGate(rate),
    publish: async () => {},
    logger: pino({ level: "silent" }),
  });
  const motion = new MotionGate();
  const times = { fire: [] as number[], smoke: [] as number[], frames: 0, analysed: 0 };
  for await (const { image, tS } of decodeSampledFrames(clip, 2, width, height)) {
    const { events, skipped } = await pipeline.processWithDetections("video-check", image, 1_700_000_000_000 + Math.round(tS * 1000), undefined, motion.observe("video-check", image));
    times.frames += 1;
    if (!skipped) times.analysed += 1;
    for (const e of events) if (e.revision === 0) times[e.kind].push(tS);
  }
  return times;
}

/** `rate`: the rate gate's options (default the service's). */
export async function runFireVideoCheck(detector: Detector, datasetsDir: string, testSplit: string[], options: { rate?: Partial<FireRateOptions> } = {}): Promise<VideoCheckResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "vigil-fire-video-"));
  try {
    const base = { background: await pickStreetBackground(datasetsDir), fireFromS: 4, durationS: 12, fps: 10, width: 640, height: 360 };
    const fireImage = await pickHeldOutFireImage(datasetsDir, testSplit);
    const withFire = await buildFireClip({ ...base, fireImage, outPath: path.join(dir, "with-fire.mp4") });
    const withoutFire = await buildFireClip({ ...base, outPath: path.join(dir, "without-fire.mp4") });
    const fireTimes = await eventsInClip(detector, withFire, base.width, base.height, options.rate);
    const noFireTimes = await eventsInClip(detector, withoutFire, base.width, base.height, options.rate);
    const first = fireTimes.fire[0];
    return {
      withFire: { firstEventS: first, latencyS: first === undefined ? undefined : first - base.fireFromS, events: fireTimes.fire.length, frames: fireTimes.frames, analysed: fireTimes.analysed },
      withoutFire: { events: noFireTimes.fire.length, smokeEvents: noFireTimes.smoke.length, frames: noFireTimes.frames, analysed: noFireTimes.analysed },
      smokeEventsWithFire: fireTimes.smoke.length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

