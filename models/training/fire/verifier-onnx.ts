/**
 * The onnxruntime side of `train_verifier.py --quantize` (Debian's Python has onnx but no onnxruntime):
 *   stats EXPOSED.onnx NAMES.json CROPS.u8 SIZE OUT.json   min, max and a histogram of every activation that
 *                                                          `qdq.py expose` made an output, over the crops (qdq.py's STATS)
 *   probs MODEL.onnx CROPS.u8 SIZE OUT.f32                 the model's [fire, smoke] per crop as float32, read with the
 *                                                          service's session settings (detectors/fire-onnx.ts)
 * CROPS.u8 holds N crops of SIZE × SIZE × 3 bytes (RGB, row by row): the network sees them / 255, as the service does.
 */
import { readFile, writeFile } from "node:fs/promises";
import ort from "onnxruntime-node";
import { createFireSession } from "../../../services/inference/src/detectors/fire-onnx.js";

const INPUT = "crops";
const BATCH = 16;
/** Bins per activation; qdq.py's percentile ranges read any count. */
const HIST_BINS = 2048;

/** The crops of one batch as the NCHW float32 input, values k / 255. */
function batchTensor(crops: Buffer, size: number, from: number, count: number): ort.Tensor {
  const plane = size * size;
  const x = new Float32Array(count * 3 * plane);
  for (let k = 0; k < count; k++) {
    const src = (from + k) * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) x[k * 3 * plane + c * plane + p] = crops[src + p * 3 + c]! / 255;
    }
  }
  return new ort.Tensor("float32", x, [count, 3, size, size]);
}

async function readCrops(file: string, size: number): Promise<{ crops: Buffer; n: number }> {
  const crops = await readFile(file);
  const per = size * size * 3;
  if (crops.length % per !== 0) throw new Error(`${file}: ${crops.length} bytes is not a whole number of ${size}² crops`);
  return { crops, n: crops.length / per };
}

async function stats(exposed: string, namesFile: string, cropsFile: string, size: number, out: string): Promise<void> {
  const names = (JSON.parse(await readFile(namesFile, "utf8")) as string[]).filter((n) => n !== INPUT);
  const { crops, n } = await readCrops(cropsFile, size);
  // "basic": the exposed activations must not be fused away
  const session = await ort.InferenceSession.create(exposed, { executionProviders: ["cpu"], graphOptimizationLevel: "basic", intraOpNumThreads: 2 });
  const each = async (visit: (name: string, data: Float32Array) => void) => {
    for (let i = 0; i < n; i += BATCH) {
      const r = await session.run({ [INPUT]: batchTensor(crops, size, i, Math.min(BATCH, n - i)) }, names);
      for (const name of names) visit(name, r[name]!.data as Float32Array);
    }
  };
  const min = new Map(names.map((x) => [x, Infinity]));
  const max = new Map(names.map((x) => [x, -Infinity]));
  await each((name, d) => {
    let lo = min.get(name)!, hi = max.get(name)!;
    for (const v of d) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min.set(name, lo);
    max.set(name, hi);
  });
  const hist = new Map(names.map((x) => [x, new Float64Array(HIST_BINS)]));
  await each((name, d) => {
    const lo = min.get(name)!, width = (max.get(name)! - lo) / HIST_BINS || 1;
    const h = hist.get(name)!;
    for (const v of d) h[Math.min(HIST_BINS - 1, Math.floor((v - lo) / width))]! += 1;
  });
  const result = Object.fromEntries(names.map((x) => [x, { min: min.get(x)!, max: max.get(x)!, hist: Array.from(hist.get(x)!) }]));
  await writeFile(out, JSON.stringify({ crops: n, stats: result }));
  await session.release();
  console.log(`verifier-onnx stats: ${names.length} activations over ${n} crops → ${out}`);
}

async function probs(model: string, cropsFile: string, size: number, out: string): Promise<void> {
  const { crops, n } = await readCrops(cropsFile, size);
  const session = await createFireSession(model, 1);
  const all = new Float32Array(n * 2);
  for (let i = 0; i < n; i += BATCH) {
    const r = await session.run({ [INPUT]: batchTensor(crops, size, i, Math.min(BATCH, n - i)) });
    all.set(r.probs!.data as Float32Array, i * 2);
  }
  await writeFile(out, Buffer.from(all.buffer));
  await session.release();
  console.log(`verifier-onnx probs: ${n} crops → ${out}`);
}

const [cmd, ...a] = process.argv.slice(2);
if (cmd === "stats" && a.length === 5) await stats(a[0]!, a[1]!, a[2]!, Number(a[3]), a[4]!);
else if (cmd === "probs" && a.length === 4) await probs(a[0]!, a[1]!, Number(a[2]), a[3]!);
else {
  console.error("usage: verifier-onnx.ts stats EXPOSED.onnx NAMES.json CROPS.u8 SIZE OUT.json | probs MODEL.onnx CROPS.u8 SIZE OUT.f32");
  process.exit(2);
}
