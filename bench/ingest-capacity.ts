/**
 * How many 1080p25 H.264 cameras one core can serve at 2 sampled fps, full decode and
 * keyframes-only (12-frame GOP), through Vigil's ingest path — ffmpeg with our arguments (fps
 * filter, scale to 1280, pictures into the camera's FIFO), our picture reader and the backpressure
 * queue into an in-process sink — as a ratio to bare ffmpeg decoding the same clip in the same run.
 * Variants, interleaved: yuv420 (pgmyuv, the default since #20) scaled by zscale (zimg, the default where
 * ffmpeg has it) and by swscale (the fallback), and rgb24 (PPM, as before #20) with the default scaler.
 *   npx tsx bench/ingest-capacity.ts          (BENCH_SECONDS=20 BENCH_RUNS=3)
 * Cameras/core = video seconds / CPU seconds (ffmpeg's user+sys, plus our Node process's share).
 * Target: ≥ 85 % of bare ffmpeg in both modes. Keyframes-only ingest also skips the deblocking filter
 * (ffmpeg-args.ts); bare ffmpeg keeps it, as any player would, and a second bare run with ingest's decoder
 * flags shows how much of the ratio that is.
 */
import type { Frame, PixelFormat } from "@vigil/contracts";
import type { FrameScaler } from "../services/ingest/src/source/ffmpeg-args.js";
import { FrameQueue } from "../services/ingest/src/handoff/frame-queue.js";
import { buildFfmpegArgs } from "../services/ingest/src/source/ffmpeg-args.js";
import { FrameBufferPool } from "../services/ingest/src/source/frame-buffer-pool.js";
import { FrameFifo } from "../services/ingest/src/source/frame-fifo.js";
import { PpmFrameReader } from "../services/ingest/src/source/ppm-frame-reader.js";
import { clip1080, cpuOf, median } from "./ingest-support/bench-util.js";
import { benchScaler } from "./e2e-bench-util.js";

interface Variant {
  name: string;
  pixelFormat: PixelFormat;
  scaler: FrameScaler;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const GOP = 12;

async function bare(clip: string, keyframesOnly: boolean, skipLoopFilter = false): Promise<number> {
  const args = ["-hide_banner", "-loglevel", "error", "-nostdin", ...(keyframesOnly ? ["-skip_frame", "nokey"] : []), ...(skipLoopFilter ? ["-skip_loop_filter", "all"] : []), "-i", clip, "-an", "-f", "null", "-"];
  return (await cpuOf("ffmpeg", args)).cpuS;
}

async function vigil(clip: string, keyframesOnly: boolean, { pixelFormat, scaler }: Variant): Promise<{ cpuS: number; ffmpegS: number; nodeS: number; frames: number }> {
  let frames = 0;
  let seq = 0;
  // In-process sink, as in `npm start`: takes the frame by reference; the pixels go back to the
  // camera's pool once it is done with them, as ingest.ts wires it.
  const pool = new FrameBufferPool();
  const queue = new FrameQueue({ submit: async () => void frames++ }, 2, { onDone: (f) => pool.release(f.data) });
  const reader = new PpmFrameReader((raw) => {
    const f: Frame = { schemaVersion: 1, cameraId: "bench", seq: seq++, captureTs: Date.now(), width: raw.width, height: raw.height, format: raw.format, analytics: ["plates"], data: raw.data };
    queue.push(f);
  }, (size) => pool.take(size));
  // Frames through the camera's FIFO, read straight into the pool's buffers (source/frame-fifo.ts), as
  // camera-worker.ts reads them; VIA_STDOUT=1 measures the stdout pipe it falls back to.
  const fifo = process.env.VIA_STDOUT === "1" ? undefined : await FrameFifo.create();
  const args = buildFfmpegArgs({ url: clip, sampleFps: 2, keyframesOnly, width: 1280, pixelFormat, scaler, realtime: false, ...(fifo ? { frameOutput: fifo.path } : {}) });
  const node0 = process.cpuUsage();
  const opening = fifo?.open(reader, (err) => {
    throw err;
  });
  const r = await cpuOf("ffmpeg", args, fifo ? undefined : (chunk) => reader.push(chunk));
  // The FIFO may still hold the last frame's bytes when ffmpeg exits: wait until no more arrive.
  for (let last = -1; fifo && last !== seq; ) {
    last = seq;
    await new Promise((res) => setTimeout(res, 100));
  }
  await new Promise((res) => setImmediate(res));
  const node = process.cpuUsage(node0);
  opening?.close();
  await fifo?.remove();
  const nodeS = (node.user + node.system) / 1e6;
  return { cpuS: r.cpuS + nodeS, ffmpegS: r.cpuS, nodeS, frames: seq };
}

async function main(): Promise<void> {
  const clip = await clip1080(SECONDS, GOP);
  console.log(`clip: ${SECONDS} s of 1920x1080 25 fps H.264, 4 Mbit/s, GOP ${GOP}; ${RUNS} runs each, best CPU time kept`);
  const scaler = benchScaler();
  const formats: Variant[] = [
    { name: `yuv420 ${scaler}`, pixelFormat: "yuv420", scaler },
    ...(scaler === "swscale" ? [] : [{ name: "yuv420 swscale", pixelFormat: "yuv420", scaler: "swscale" } as const]),
    { name: `rgb24 ${scaler}`, pixelFormat: "rgb24", scaler },
  ];
  console.log(`default scaler here: ${scaler}`);
  const rows: { mode: string; bareCams: number; vigilCams: number; frames: number }[] = [];
  let sameFlags: { bareCams: number; vigilCams: number } | undefined;
  for (const keyframesOnly of [false, true]) {
    const bareCpu: number[] = [];
    const bareSameFlagsCpu: number[] = [];
    const vigilCpu = new Map<Variant, number[]>(formats.map((f) => [f, []]));
    const split = new Map<Variant, string[]>(formats.map((f) => [f, []]));
    const frames = new Map<Variant, number>();
    for (let i = 0; i < RUNS; i++) {
      bareCpu.push(await bare(clip, keyframesOnly));
      if (keyframesOnly) bareSameFlagsCpu.push(await bare(clip, true, true));
      for (const f of i % 2 === 0 ? formats : [...formats].reverse()) {
        const v = await vigil(clip, keyframesOnly, f);
        vigilCpu.get(f)!.push(v.cpuS);
        split.get(f)!.push(`${v.ffmpegS.toFixed(2)}+${v.nodeS.toFixed(2)}`);
        frames.set(f, v.frames);
      }
    }
    const mode = keyframesOnly ? "keyframes-only" : "full decode";
    for (const f of formats) rows.push({ mode: `${mode}, ${f.name}`, bareCams: SECONDS / Math.min(...bareCpu), vigilCams: SECONDS / Math.min(...vigilCpu.get(f)!), frames: frames.get(f)! });
    if (keyframesOnly) {
      sameFlags = { bareCams: SECONDS / Math.min(...bareSameFlagsCpu), vigilCams: SECONDS / Math.min(...vigilCpu.get(formats[0]!)!) };
      console.log(`  keyframes: bare CPU without deblocking ${bareSameFlagsCpu.map((c) => c.toFixed(2)).join(", ")} s`);
    }
    console.log(`  ${keyframesOnly ? "keyframes" : "full"}: bare CPU ${bareCpu.map((c) => c.toFixed(2)).join(", ")} s; vigil CPU (ffmpeg+node) ${formats.map((f) => `${f.name} ${split.get(f)!.join(", ")} s (median total ${median(vigilCpu.get(f)!).toFixed(2)})`).join("; ")}`);
  }
  console.log("\nmode                             bare ffmpeg cams/core   vigil ingest cams/core   ratio   frames out");
  for (const r of rows) {
    const ratio = r.vigilCams / r.bareCams;
    console.log(`${r.mode.padEnd(32)} ${r.bareCams.toFixed(1).padStart(21)} ${r.vigilCams.toFixed(1).padStart(24)} ${(ratio * 100).toFixed(0).padStart(6)} % ${String(r.frames).padStart(11)}  ${ratio >= 0.85 ? "OK (≥ 85 %)" : "BELOW 85 %"}`);
  }
  if (sameFlags) {
    console.log(`\nkeyframes-only, ${formats[0]!.name}, against bare ffmpeg with ingest's decoder flags (-skip_loop_filter all): ${sameFlags.bareCams.toFixed(1)} vs ${sameFlags.vigilCams.toFixed(1)} cams/core, ${((100 * sameFlags.vigilCams) / sameFlags.bareCams).toFixed(0)} % (what ingest adds to decoding)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
