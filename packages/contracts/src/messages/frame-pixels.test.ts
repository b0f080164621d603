import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parsePpmHeader, pixelByteLength, yuv420BoxShrink, yuv420ToHalfRgb, yuv420ToRgb } from "./frame-pixels.js";

const W = 320;
const H = 180;

/** One picture from ffmpeg's colour test source, as ingest gets it: pgmyuv, and converted by ffmpeg itself to rgb24. */
function ffmpegPicture(): { yuv: Buffer; rgb: Buffer } {
  const source = ["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${W}x${H}:rate=1`, "-frames:v", "1", "-vf", "format=yuv420p"];
  const pgm = execFileSync("ffmpeg", [...source, "-c:v", "pgmyuv", "-f", "image2pipe", "pipe:1"]);
  const header = `P5\n${W} ${(H * 3) / 2}\n255\n`;
  expect(pgm.subarray(0, header.length).toString("latin1")).toBe(header);
  const rgb = execFileSync("ffmpeg", [...source, "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]);
  return { yuv: pgm.subarray(header.length), rgb };
}

describe("yuv420 frames", () => {
  it("are 1.5 bytes a pixel, and only of even size", () => {
    expect(pixelByteLength("yuv420", 1280, 720)).toBe(1_382_400);
    expect(pixelByteLength("rgb24", 1280, 720)).toBe(2_764_800);
    expect(pixelByteLength("yuv420", 1281, 720)).toBeUndefined();
  });

  it("convert to the RGB ffmpeg makes of the same picture", () => {
    const { yuv, rgb } = ffmpegPicture();
    expect(yuv.length).toBe(pixelByteLength("yuv420", W, H));
    const ours = yuv420ToRgb(yuv, W, H);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < ours.length; i++) {
      const d = Math.abs(ours[i]! - rgb[i]!);
      max = Math.max(max, d);
      sum += d;
    }
    // swscale's SIMD path rounds its coefficients a little differently; what matters is no shift in colour.
    expect(sum / ours.length).toBeLessThan(1);
    expect(max).toBeLessThanOrEqual(4);
  });

  it("convert a rectangle to the same pixels as that rectangle of the whole picture", () => {
    const { yuv } = ffmpegPicture();
    const whole = yuv420ToRgb(yuv, W, H);
    const rect = { x0: 37, y0: 11, x1: 200, y1: 120 };
    const part = yuv420ToRgb(yuv, W, H, rect);
    const w = rect.x1 - rect.x0;
    for (const [x, y] of [[37, 11], [38, 12], [199, 119], [120, 64]] as const) {
      const a = ((y - rect.y0) * w + (x - rect.x0)) * 3;
      const b = (y * W + x) * 3;
      expect([...part.subarray(a, a + 3)]).toEqual([...whole.subarray(b, b + 3)]);
    }
  });

  it("halve to the 2 × 2 block means of the full-size RGB", () => {
    const { yuv } = ffmpegPicture();
    const whole = yuv420ToRgb(yuv, W, H);
    const half = yuv420ToHalfRgb(yuv, W, H);
    expect(half.length).toBe((W / 2) * (H / 2) * 3);
    const diffs: number[] = [];
    for (let y = 0; y < H / 2; y++) {
      for (let x = 0; x < W / 2; x++) {
        for (let c = 0; c < 3; c++) {
          const at = (xx: number, yy: number) => whole[(yy * W + xx) * 3 + c]!;
          const mean = (at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1)) / 4;
          diffs.push(Math.abs(half[(y * (W / 2) + x) * 3 + c]! - mean));
        }
      }
    }
    // Rounding, and clipping where a block straddles saturated colours (the mean of clipped pixels is not the
    // clipped mean: the test picture's colour bars have such edges), are all that differ.
    diffs.sort((a, b) => a - b);
    expect(diffs.reduce((a, b) => a + b, 0) / diffs.length).toBeLessThan(0.6);
    expect(diffs[Math.floor(diffs.length * 0.99)]).toBeLessThanOrEqual(1);
  });

  it("shrink a square by box means exactly as converting it and averaging the RGB would", () => {
    const { yuv } = ffmpegPicture();
    const size = 24;
    for (const [left, top, side] of [[0, 0, 180], [31, 17, 97], [320 - 25, 180 - 25, 25], [100, 51, 150]] as const) {
      const shrunk = new Float32Array(3 * size * size + 5);
      yuv420BoxShrink(yuv, W, H, [left, top, side], size, shrunk, 5);
      const rgb = yuv420ToRgb(yuv, W, H, { x0: left, y0: top, x1: left + side, y1: top + side });
      const scale = side / size;
      for (let oy = 0; oy < size; oy++) {
        for (let ox = 0; ox < size; ox++) {
          const x0 = Math.floor(ox * scale), x1 = Math.max(x0 + 1, Math.floor((ox + 1) * scale));
          const y0 = Math.floor(oy * scale), y1 = Math.max(y0 + 1, Math.floor((oy + 1) * scale));
          for (let c = 0; c < 3; c++) {
            let sum = 0;
            for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += rgb[(y * side + x) * 3 + c]!;
            expect(shrunk[5 + c * size * size + oy * size + ox]).toBe(Math.fround(sum / ((x1 - x0) * (y1 - y0)) / 255));
          }
        }
      }
    }
  });

  it("have picture headers that parse, with comments, and say when they are incomplete or not 4:2:0", () => {
    expect(parsePpmHeader(Buffer.from("P6\n# by ffmpeg\n1280 720\n255\n"))).toEqual({ width: 1280, height: 720, format: "rgb24", headerLength: 28 });
    expect(parsePpmHeader(Buffer.from("P5\n1280 1080\n255\n"))).toEqual({ width: 1280, height: 720, format: "yuv420", headerLength: 17 });
    expect(parsePpmHeader(Buffer.from("P6\n1280 72"))).toBe("incomplete");
    expect(() => parsePpmHeader(Buffer.from("P6\n1280 720\n65535\n"))).toThrow(/maxval/);
    expect(() => parsePpmHeader(Buffer.from("P5\n8 5\n255\n"))).toThrow(/pgmyuv size/);
    expect(() => parsePpmHeader(Buffer.from("P5\n7 6\n255\n"))).toThrow(/pgmyuv size/);
  });
});
