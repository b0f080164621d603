import { execFileSync } from "node:child_process";
import { yuv420BoxShrink } from "@vigil/contracts";
import { describe, expect, it } from "vitest";
import { cropSquare, cropToNchw } from "../detectors/fire-crop.js";
import { resizeRgb } from "../detectors/fire-onnx.js";
import { flameColourShare, frameChroma } from "../fire/flame-colour.js";
import { sampleGrey } from "../intake/motion-gate.js";
import { letterbox } from "./letterbox.js";
import { cropRgb, type RgbImage } from "./rgb-image.js";
import { detectorWindow, Yuv420Image, Yuv420Window } from "./yuv420-image.js";

const W = 1280;
const H = 720;

/** ffmpeg's colour test picture as ingest hands it over now (pgmyuv) and as it did before (rgb24 from ffmpeg). */
function frames(): { yuv: Yuv420Image; rgb: RgbImage } {
  const source = ["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${W}x${H}:rate=1`, "-frames:v", "1", "-vf", "format=yuv420p"];
  const pgm = execFileSync("ffmpeg", [...source, "-c:v", "pgmyuv", "-f", "image2pipe", "pipe:1"], { maxBuffer: 1 << 24 });
  const header = `P5\n${W} ${(H * 3) / 2}\n255\n`.length;
  const rgb = execFileSync("ffmpeg", [...source, "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"], { maxBuffer: 1 << 24 });
  return { yuv: new Yuv420Image(pgm.subarray(header), W, H), rgb: { data: rgb, width: W, height: H } };
}

function meanAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe("Yuv420Image", () => {
  it("refuses planes that do not fit its size", () => {
    expect(() => new Yuv420Image(new Uint8Array(10), 4, 2)).toThrow(/needs even sides and 12 bytes/);
    expect(() => new Yuv420Image(new Uint8Array(9), 3, 2)).toThrow(/even sides/);
  });

  it("gives every per-frame consumer what the rgb24 frame gave it, without converting the whole picture", async () => {
    const { yuv, rgb } = frames();
    // The plate detector's input: the half picture against the block mean of ffmpeg's RGB.
    const a = await letterbox(yuv, { width: 640, height: 384 });
    const b = await letterbox(rgb, { width: 640, height: 384 });
    expect(meanAbs(a.tensor, b.tensor) * 255).toBeLessThan(1);
    // The first look made the half picture in the same pass; a second one copies it: the same input.
    const again = await letterbox(yuv, { width: 640, height: 384 });
    expect(meanAbs(again.tensor, a.tensor)).toBe(0);
    // The fire grid's input.
    expect(meanAbs(await resizeRgb(yuv, 256, 256), await resizeRgb(rgb, 256, 256))).toBeLessThan(1.5);
    // Motion thumbnails: Y against the RGB grey.
    expect(meanAbs(sampleGrey(yuv, 80, 45), sampleGrey(rgb, 80, 45))).toBeLessThan(1.5);
    // A fire verifier crop, a plate crop, and the colour statistics.
    const square = cropSquare([0.4, 0.3, 0.05, 0.1], W, H, { context: 1.35, minSide: 0.1, minSidePx: 32 });
    const [ta, tb] = [new Float32Array(3 * 96 * 96), new Float32Array(3 * 96 * 96)];
    cropToNchw(yuv, square, 96, ta, 0);
    cropToNchw(rgb, square, 96, tb, 0);
    expect(meanAbs(ta, tb) * 255).toBeLessThan(1.5);
    // Under twice the input's side, read from the planes, the verifier's tensor is exactly the one of converting the
    // square first, for crops it shrinks (odd and even edges) and for those it enlarges.
    for (const sq of [[1280 - 191, 720 - 191, 191], [500, 301, 97], [641, 33, 60]] as [number, number, number][]) {
      const direct = new Float32Array(3 * 96 * 96);
      const viaCrop = new Float32Array(3 * 96 * 96);
      cropToNchw(yuv, sq, 96, direct, 0);
      cropToNchw(yuv.crop({ x: sq[0], y: sq[1], w: sq[2], h: sq[2] }), [0, 0, sq[2]], 96, viaCrop, 0);
      expect(Buffer.compare(Buffer.from(direct.buffer), Buffer.from(viaCrop.buffer)), `square ${sq.join(",")}`).toBe(0);
    }
    // From twice the side on, the square comes from the half picture: next test.
    const rect = { x: 301, y: 402, w: 180, h: 60 };
    const ca = cropRgb(yuv, rect);
    expect([ca.width, ca.height]).toEqual([180, 60]);
    expect(meanAbs(ca.data, cropRgb(rgb, rect).data)).toBeLessThan(1);
    expect(Math.abs(flameColourShare(yuv, [0.1, 0.1, 0.5, 0.5]) - flameColourShare(rgb, [0.1, 0.1, 0.5, 0.5]))).toBeLessThan(0.05);
    expect(frameChroma(yuv) / frameChroma(rgb)).toBeCloseTo(1, 1);
    // The plate detector's window around motion: converted straight into its input, the same as the RGB crop's.
    const rect640 = { x: 301, y: 200, w: 640, h: 384 };
    const win = detectorWindow(yuv, rect640);
    expect(win).toBeInstanceOf(Yuv420Window);
    const wa = await letterbox(win, { width: 640, height: 384 });
    const wb = await letterbox(cropRgb(rgb, rect640), { width: 640, height: 384 });
    expect(meanAbs(wa.tensor, wb.tensor) * 255).toBeLessThan(1);
    // Used again (its pixels already made), it copies them: the same input; and its data is the rectangle's crop.
    expect(meanAbs((await letterbox(win, { width: 640, height: 384 })).tensor, wa.tensor)).toBe(0);
    expect(meanAbs(win.data, cropRgb(yuv, rect640).data)).toBe(0);
    // None of it needed the full-size RGB.
    expect(yuv.convertedInFull).toBe(false);
    // Which is there, the same as ffmpeg's, for whoever needs it (evidence snapshots).
    expect(meanAbs(yuv.data, rgb.data)).toBeLessThan(1);
    expect(yuv.convertedInFull).toBe(true);
  });

  it("cuts a verifier square of twice its input's side or more from the half picture: a 1-pixel move of the square at most", () => {
    const { yuv } = frames();
    const shrink = (sq: [number, number, number], planes: boolean) => {
      const t = new Float32Array(3 * 96 * 96);
      if (planes) yuv420BoxShrink(yuv.yuv, W, H, sq, 96, t, 0);
      else cropToNchw(yuv, sq, 96, t, 0);
      return t;
    };
    // On the half picture's 2-pixel grid, with whole 2 × 2 blocks a box: the planes' box means, but for rounding.
    for (const sq of [[1280 - 192, 720 - 192, 192], [300, 78, 384], [0, 0, 576]] as [number, number, number][]) {
      expect(meanAbs(shrink(sq, false), shrink(sq, true)) * 255, `square ${sq.join(",")}`).toBeLessThan(0.1);
    }
    // Anywhere else (odd edges and sides, up to the whole frame's height): no further from the planes' crop than the
    // same square moved by one pixel is (the grid's cells, which place it, are 53 pixels wide).
    for (const sq of [[479, 191, 194], [301, 77, 333], [0, 0, 720], [77, 3, 521]] as [number, number, number][]) {
      const planes = shrink(sq, true);
      const moved = shrink([sq[0] + (sq[0] + sq[2] < W ? 1 : -1), sq[1] + (sq[1] + sq[2] < H ? 1 : -1), sq[2]], true);
      expect(meanAbs(shrink(sq, false), planes), `square ${sq.join(",")}`).toBeLessThanOrEqual(meanAbs(moved, planes));
    }
    // It is the half picture's (which the fire grid makes for every frame), not a conversion of the frame.
    expect(yuv.convertedInFull).toBe(false);
  });
});
