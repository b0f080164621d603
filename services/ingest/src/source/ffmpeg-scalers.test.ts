/**
 * The two frame scalers on a real ffmpeg: the pictures inference receives must be the same picture
 * whichever filter made them (same size, pixels within rounding of each other and of the source).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFfmpegArgs, type FrameScaler } from "./ffmpeg-args.js";
import { ffmpegHasFilter } from "./ffmpeg-binary.js";
import { PpmFrameReader, type RawFrame } from "./ppm-frame-reader.js";

/**
 * Sources as cameras and files deliver them: a 1080p H.264 YUV 4:2:0 clip (ffmpeg's testsrc2: sharp
 * edges, text, colour bars), an MJPEG full-range one, an RGB still image, an odd-sized clip (zimg
 * refuses RGB-tagged frames and odd 4:2:0 sizes unless the chain fixes them first) and a camera-like
 * H.264 clip (noisy detail at QP 34, where the deblocking filter has block edges to smooth).
 * Each is made from testsrc2 on first use.
 */
const SOURCE_ARGS = {
  h264: ["1080p.mp4", ["-t", "1", "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p"]],
  mjpeg: ["1080p.avi", ["-t", "1", "-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p"]],
  png: ["1080p.png", ["-frames:v", "1"]],
  // 1921×1081: zimg refuses odd 4:2:0 sizes; the chain drops the odd row and column first
  odd: ["odd.mp4", ["-t", "1", "-vf", "pad=1921:1081", "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv444p"]],
  qp34: ["qp34.mp4", ["-t", "1", "-vf", "noise=alls=8:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-qp", "34", "-g", "12", "-pix_fmt", "yuv420p"]],
} as const satisfies Record<string, readonly [string, readonly string[]]>;
const source = (() => {
  let dir: string | undefined;
  const made = new Map<keyof typeof SOURCE_ARGS, string>();
  return (kind: keyof typeof SOURCE_ARGS): string => {
    const cached = made.get(kind);
    if (cached) return cached;
    dir ??= mkdtempSync(path.join(tmpdir(), "vigil-scalers-"));
    const [name, args] = SOURCE_ARGS[kind];
    const file = path.join(dir, name);
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", ...args, file]);
    made.set(kind, file);
    return file;
  };
})();

/** The source's first sampled picture through Vigil's ffmpeg arguments with the given scaler, as ingest reads it. */
function frameVia(file: string, scaler: FrameScaler, keyframesOnly = false): RawFrame {
  const args = buildFfmpegArgs({ url: file, width: 1280, sampleFps: 2, keyframesOnly, realtime: false, scaler });
  const frames: RawFrame[] = [];
  const reader = new PpmFrameReader((f) => frames.push({ ...f, data: Buffer.from(f.data) }));
  reader.push(execFileSync("ffmpeg", args, { maxBuffer: 256 << 20 }));
  expect(frames.length).toBeGreaterThan(0);
  return frames[0]!;
}

/** The same sampled picture (the fps filter picks it) scaled by ffmpeg's area filter to 1280×720 YUV 4:2:0: the reference. */
function reference(file: string, keyframesOnly: boolean): Buffer {
  return execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", file, "-frames:v", "1", "-vf", `${keyframesOnly ? "" : "fps=2,"}scale=1280:720:flags=area`, "-pix_fmt", "yuv420p", "-f", "rawvideo", "pipe:1"], { maxBuffer: 64 << 20 });
}

function psnr(a: Buffer, b: Buffer, from: number, to: number): number {
  let se = 0;
  for (let i = from; i < to; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / (to - from)));
}

describe("ffmpegHasFilter", () => {
  it("finds filters every build has, not ones that do not exist, and answers false for a binary that is not there", () => {
    expect(ffmpegHasFilter("ffmpeg", "scale")).toBe(true);
    expect(ffmpegHasFilter("ffmpeg", "no_such_filter")).toBe(false);
    // a prefix of a real name is not that filter
    expect(ffmpegHasFilter("ffmpeg", "scal")).toBe(false);
    expect(ffmpegHasFilter("/nonexistent/ffmpeg", "scale")).toBe(false);
  });
});

describe.runIf(ffmpegHasFilter("ffmpeg", "zscale"))("zscale and swscale frames", () => {
  it.each([
    ["an H.264 clip, all frames", "h264", false],
    ["an H.264 clip, keyframes only", "h264", true],
    ["an MJPEG full-range clip", "mjpeg", false],
    ["an RGB still image", "png", true],
    ["an odd-sized (1921×1081) 4:4:4 clip", "odd", false],
  ] as const)("are the same 1280×720 YUV 4:2:0 picture from %s: ≥ 40 dB from each other, ≥ 30 dB from an area-scaled reference", (_name, kind, keyframesOnly) => {
    const file = source(kind);
    const z = frameVia(file, "zscale", keyframesOnly);
    const s = frameVia(file, "swscale", keyframesOnly);
    const ref = reference(file, keyframesOnly);
    for (const f of [z, s]) {
      expect([f.width, f.height, f.format]).toEqual([1280, 720, "yuv420"]);
      expect(f.data.length).toBe(1280 * 720 * 1.5);
    }
    const luma = 1280 * 720;
    expect(psnr(z.data, s.data, 0, luma)).toBeGreaterThan(40);
    expect(psnr(z.data, s.data, luma, z.data.length)).toBeGreaterThan(40);
    expect(psnr(z.data, ref, 0, luma)).toBeGreaterThan(30);
    expect(psnr(s.data, ref, 0, luma)).toBeGreaterThan(30);
  });
});

describe("keyframes-only pictures without the deblocking filter", () => {
  it("are the camera's keyframe: ≥ 45 dB from the same keyframe decoded with the filter, yet not bit-identical (the flag acts)", () => {
    const file = source("qp34");
    const ingested = frameVia(file, "swscale", true);
    expect(buildFfmpegArgs({ url: file, width: 1280, keyframesOnly: true })).toContain("-skip_loop_filter");
    // The same first keyframe, the same scale and the same pgmyuv layout, with the decoder's filter on.
    const pgm = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-skip_frame", "nokey", "-i", file, "-frames:v", "1", "-vf", "scale=1280:-2:flags=bilinear,format=yuv420p", "-c:v", "pgmyuv", "-f", "image2pipe", "pipe:1"], { maxBuffer: 64 << 20 });
    const filtered = pgm.subarray(pgm.length - 1280 * 720 * 1.5);
    expect([ingested.width, ingested.height]).toEqual([1280, 720]);
    expect(ingested.data.length).toBe(filtered.length);
    const luma = 1280 * 720;
    expect(psnr(ingested.data, filtered, 0, luma)).toBeGreaterThan(45);
    expect(psnr(ingested.data, filtered, luma, filtered.length)).toBeGreaterThan(45);
    expect(ingested.data.equals(filtered)).toBe(false);
  });
});
