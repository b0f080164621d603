import { spawn } from "node:child_process";
import { DEFAULT_FRAME_SCALER, frameScaleFilter, parsePpmHeader, pixelByteLength, type FrameScaler } from "@vigil/contracts";
import { Yuv420Image } from "./yuv420-image.js";

export interface IngestFramesOptions {
  /** Frames a second, ffmpeg's fps filter as ingest's full decoding samples. */
  sampleFps: number;
  /** Output width (ingest's default 1280); the height follows the aspect ratio, even. */
  width?: number;
  scaler?: FrameScaler;
  /** ffmpeg options before `-i` (e.g. `-skip_loop_filter all`). */
  inputArgs?: readonly string[];
}

/**
 * A video file's frames as ingest hands them to inference with its defaults: sampled by the fps filter, scaled by
 * contracts' frameScaleFilter (the default scaler), written by ffmpeg as pgmyuv pictures (YUV 4:2:0, no RGB
 * conversion) and wrapped as Yuv420Image, from which the fire grid takes its half picture and the verifier its
 * crops, as in the service. For evaluations and benchmarks: the pixels they score are the pipeline's, not those of
 * ffmpeg's default (bicubic) scale to RGB, which moved marginal candidates across a rule before (BENCHMARKS.md,
 * fire false alarms, rerun of 2026-12-06).
 */
export async function* decodeIngestFrames(videoPath: string, o: IngestFramesOptions): AsyncGenerator<{ image: Yuv420Image; tS: number }> {
  const filter = `fps=${o.sampleFps},${frameScaleFilter(o.width ?? 1280, o.scaler ?? DEFAULT_FRAME_SCALER)}`;
  const proc = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", ...(o.inputArgs ?? []), "-i", videoPath, "-an", "-vf", filter, "-c:v", "pgmyuv", "-f", "image2pipe", "pipe:1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("close", resolve));
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        // The header parser ingest's frame reader uses (contracts' frame-pixels.ts).
        const header = parsePpmHeader(pending);
        if (header === "incomplete") break;
        if (header.format !== "yuv420") throw new Error(`${videoPath}: ffmpeg wrote a ${header.format} picture, not pgmyuv`);
        const end = header.headerLength + pixelByteLength(header.format, header.width, header.height)!;
        if (pending.length < end) break;
        const yuv = Buffer.from(pending.subarray(header.headerLength, end));
        pending = pending.subarray(end);
        yield { image: new Yuv420Image(yuv, header.width, header.height), tS: index / o.sampleFps };
        index += 1;
      }
    }
  } finally {
    if (proc.exitCode === null) proc.kill("SIGKILL");
  }
  const code = await exited;
  if (code !== 0 && code !== null) throw new Error(`ffmpeg decode of ${videoPath} exited ${code}: ${stderr.trim()}`);
}
