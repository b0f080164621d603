import { execFileSync } from "node:child_process";

/**
 * Packed RGB → the bytes ingest hands over as a yuv420 frame: ffmpeg's pgmyuv picture (4:2:0, as a camera's
 * decoder gives it; layout in contracts' frame-pixels.ts) with its P5 header stripped.
 */
export function rgbToYuv420Frame(rgb: Buffer, width: number, height: number): Buffer {
  const out = execFileSync("ffmpeg", ["-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`, "-i", "pipe:0", "-vf", "format=yuv420p", "-c:v", "pgmyuv", "-f", "image2pipe", "pipe:1"], { input: rgb, maxBuffer: 1 << 24 });
  return out.subarray(`P5\n${width} ${(height * 3) / 2}\n255\n`.length);
}
