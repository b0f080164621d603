import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_FRAME_SCALER, frameScaleFilter } from "@vigil/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { decodeIngestFrames } from "./ingest-frames.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "vigil-ingest-frames-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 s of ffmpeg's moving colour test picture, 320 × 180 at 10 fps, H.264. */
function clip(): string {
  const file = path.join(dir, "testsrc.mp4");
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10", "-t", "3", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", file]);
  return file;
}

describe("decodeIngestFrames", () => {
  it("samples at the rate asked, at ingest's width and aspect, with the pixels ffmpeg's own RGB decode of the same chain has", async () => {
    const file = clip();
    const frames = [];
    for await (const f of decodeIngestFrames(file, { sampleFps: 2, width: 160 })) frames.push(f);
    expect(frames.map((f) => f.tS)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    for (const f of frames) expect([f.image.width, f.image.height]).toEqual([160, 90]);

    // The same sampling and scale, converted to RGB by ffmpeg (swscale): our YUV → RGB of each picture agrees.
    const rgb = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-vf", `fps=2,${frameScaleFilter(160, DEFAULT_FRAME_SCALER)}`, "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]);
    const size = 160 * 90 * 3;
    expect(rgb.length).toBe(size * frames.length);
    frames.forEach((f, k) => {
      const ours = f.image.data;
      let diff = 0;
      for (let i = 0; i < size; i++) diff += Math.abs(ours[i]! - rgb[k * size + i]!);
      expect(diff / size).toBeLessThan(2);
    });
    // Consecutive samples are different pictures (testsrc2 moves): the sampler does not repeat one frame.
    expect(Buffer.compare(frames[0]!.image.yuv as Buffer, frames[1]!.image.yuv as Buffer)).not.toBe(0);
  });

  it("stops ffmpeg when the reader stops early", async () => {
    const file = clip();
    let n = 0;
    for await (const _ of decodeIngestFrames(file, { sampleFps: 10, width: 160 })) if (++n === 2) break;
    expect(n).toBe(2);
  });

  it("fails with ffmpeg's reason on a file that is not a video", async () => {
    const file = path.join(dir, "not-a-video.mp4");
    writeFileSync(file, "no video here");
    const read = async () => {
      for await (const _ of decodeIngestFrames(file, { sampleFps: 2 })) void _;
    };
    await expect(read()).rejects.toThrow(/ffmpeg decode of .*not-a-video\.mp4 exited/);
  });
});
