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
import { createFireSession, rgbToNchw } from "../../../services/inference/src/detectors/fire-onnx.js";
import { activationStats } from "../activation-stats.js";

const INPUT = "crops";
const BATCH = 16;

/** The crops of one batch as the NCHW float32 input, values k / 255 (the service's rgbToNchw, crop by crop). */
function batchTensor(crops: Buffer, size: number, from: number, count: number): ort.Tensor {
  const per = size * size * 3;
  const x = new Float32Array(count * per);
  for (let k = 0; k < count; k++) x.set(rgbToNchw(crops.subarray((from + k) * per, (from + k + 1) * per), size, size), k * per);
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
  const result = await activationStats(names, async (visit) => {
    for (let i = 0; i < n; i += BATCH) {
      const r = await session.run({ [INPUT]: batchTensor(crops, size, i, Math.min(BATCH, n - i)) }, names);
      for (const name of names) visit(name, r[name]!.data as Float32Array);
    }
  });
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
