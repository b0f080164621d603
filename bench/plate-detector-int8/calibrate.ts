/**
 * Activation statistics of the fp32 plate detector for static int8 quantization.
 *   npx tsx bench/plate-detector-int8/calibrate.ts EXPOSED.onnx NAMES.json OUT.json
 * EXPOSED.onnx is the fp32 model with its activations as outputs (`qdq.py expose`). The frames are a
 * fixed list decoded with ffmpeg from negative CCTV clips: never the vn-plate-frames held out for
 * `npm run eval:plates`. Two passes: min/max, then a 2048-bin histogram over [min, max] per tensor.
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import ort from "onnxruntime-node";
import { loadEvalEnv } from "../../services/inference/src/eval/env.js";
import { letterbox } from "../../services/inference/src/image/letterbox.js";
import { activationStats, HIST_BINS } from "../../models/training/activation-stats.js";
import { CALIBRATION_CLIPS } from "./calibration-set.js";

const [exposedPath, namesPath, outPath] = process.argv.slice(2);
if (!exposedPath || !namesPath || !outPath) {
  console.error("usage: calibrate.ts EXPOSED.onnx NAMES.json OUT.json");
  process.exit(2);
}
const DATASETS = loadEvalEnv().DATASETS_DIR;
const names = JSON.parse(await readFile(namesPath, "utf8")) as string[];

interface RawFrame {
  width: number;
  height: number;
  data: Buffer;
}

/** Every `step`-th frame of a clip (from frame 0), at most `count`, as RGB24. */
async function decodeClip(file: string, step: number, count: number): Promise<RawFrame[]> {
  const probe = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", file]);
  const [width, height] = probe.toString().trim().split(",").map(Number) as [number, number];
  const raw = await run("ffmpeg", ["-v", "error", "-i", file, "-vf", `select=not(mod(n\\,${step}))`, "-fps_mode", "passthrough", "-frames:v", String(count), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]);
  const size = width * height * 3;
  const frames: RawFrame[] = [];
  for (let o = 0; o + size <= raw.length; o += size) frames.push({ width, height, data: raw.subarray(o, o + size) });
  return frames;
}

function run(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    p.stdout.on("data", (c: Buffer) => chunks.push(c));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

const frames: RawFrame[] = [];
for (const c of CALIBRATION_CLIPS) {
  const got = await decodeClip(path.join(DATASETS, c.file), c.step, c.count);
  if (got.length !== c.count) throw new Error(`${c.file}: ${got.length} frames, expected ${c.count}`);
  frames.push(...got);
}
console.log(`calibration frames: ${frames.length}`);

const session = await ort.InferenceSession.create(exposedPath, { executionProviders: ["cpu"], graphOptimizationLevel: "basic", intraOpNumThreads: 2 });
const wanted = names.filter((n) => n !== "images");

async function activations(frame: RawFrame): Promise<Map<string, Float32Array>> {
  const lb = await letterbox({ data: frame.data, width: frame.width, height: frame.height }, 640);
  const out = await session.run({ images: new ort.Tensor("float32", lb.tensor, [1, 3, 640, 640]) }, wanted);
  const m = new Map<string, Float32Array>();
  for (const n of wanted) m.set(n, out[n]!.data as Float32Array);
  return m;
}

const stats = await activationStats(wanted, async (visit) => {
  for (const f of frames) for (const [n, d] of await activations(f)) visit(n, d);
});
await session.release();
await writeFile(outPath, JSON.stringify({ frames: frames.length, bins: HIST_BINS, stats }));
console.log(`wrote ${outPath}: ${wanted.length} tensors`);
