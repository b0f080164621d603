/**
 * Does onnxruntime gain from batching frames of several cameras into one call (#20)? For each model, a copy
 * with a symbolic batch dimension (bench/onnx-batch/dynamic-batch.py, written to $TMPDIR) is run on the same
 * random inputs as N calls of batch 1 and as one call of batch N, interleaved, with the service's session
 * settings (runtime/onnx-session.ts) at 1 intra-op thread (the default, one per analysis worker) and at 2.
 * Prints the CPU and wall time per image.
 *   npx tsx bench/onnx-batch.ts            (ROUNDS=40, BATCHES=2,4, MODELS_DIR=../shared/models)
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findModel, modelPath } from "../services/inference/src/models/manifest.js";
import { createSession, floatTensor, type ort } from "../services/inference/src/runtime/onnx-session.js";
import { load } from "./e2e-bench-util.js";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const ROUNDS = Number(process.env.ROUNDS ?? 40);
const BATCHES = (process.env.BATCHES ?? "2,4").split(",").map(Number);
const MODELS_DIR = process.env.MODELS_DIR ?? path.resolve(REPO, "../shared/models");

const models = [
  { name: "vigil-fire-grid", size: 256 },
  { name: "plate-detector-yolo-vn-640", size: 640 },
];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timeIt(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = cpuMs(), t0 = performance.now();
  await run();
  return { wall: performance.now() - t0, cpu: cpuMs() - c0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

console.log(`onnx batching: ${ROUNDS} rounds, batches ${BATCHES.join(", ")}; load ${load()}`);
console.log("model                        threads  batch  ms/image wall (median): 1 by 1 → batched   CPU ms/image: 1 by 1 → batched   change CPU   outputs batched vs 1 by 1");
for (const m of models) {
  const entry = findModel(m.name);
  const file = modelPath(entry, MODELS_DIR);
  if (!existsSync(file)) {
    console.log(`${m.name}: ${file} missing, skipped`);
    continue;
  }
  const dynamic = path.join(tmpdir(), `vigil-batch-${m.name}.onnx`);
  execFileSync("/usr/bin/python3", [path.join(REPO, "bench/onnx-batch/dynamic-batch.py"), file, dynamic], { stdio: "ignore" });
  for (const threads of [1, 2]) {
    const session: ort.InferenceSession = await createSession(dynamic, { threads });
    const input = session.inputNames[0]!;
    const plane = 3 * m.size * m.size;
    for (const n of BATCHES) {
      const images = Array.from({ length: n }, () => Float32Array.from({ length: plane }, () => Math.random()));
      const joined = new Float32Array(n * plane);
      images.forEach((img, i) => joined.set(img, i * plane));
      const single = async () => { for (const img of images) await session.run({ [input]: floatTensor(img, [1, 3, m.size, m.size]) }); };
      const batched = () => session.run({ [input]: floatTensor(joined, [n, 3, m.size, m.size]) });
      let error = "";
      let maxDiff = 0;
      try {
        // Same answers: the batch's outputs against its images run one by one.
        const out = session.outputNames[0]!;
        const ones: Float32Array[] = [];
        for (const img of images) ones.push((await session.run({ [input]: floatTensor(img, [1, 3, m.size, m.size]) }))[out]!.data as Float32Array);
        const all = (await batched())[out]!.data as Float32Array;
        if (all.length !== ones.reduce((a, o) => a + o.length, 0)) throw new Error(`batched output has ${all.length} values, one by one ${ones.length} × ${ones[0]!.length}`);
        ones.forEach((o, i) => o.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - all[i * o.length + j]!)))));
      } catch (err) {
        error = (err as Error).message.split("\n")[0]!.slice(0, 120);
      }
      if (error) {
        console.log(`${m.name.padEnd(28)} ${String(threads).padStart(7)}  ${String(n).padStart(5)}  batch of ${n} fails: ${error}`);
        continue;
      }
      const s: { wall: number; cpu: number }[] = [], b: { wall: number; cpu: number }[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        s.push(await timeIt(single));
        b.push(await timeIt(batched));
      }
      const per = (xs: { wall: number; cpu: number }[], k: "wall" | "cpu") => median(xs.map((x) => x[k])) / n;
      const sc = per(s, "cpu"), bc = per(b, "cpu");
      console.log(
        `${m.name.padEnd(28)} ${String(threads).padStart(7)}  ${String(n).padStart(5)}  ${per(s, "wall").toFixed(2).padStart(8)} → ${per(b, "wall").toFixed(2).padEnd(24)} ${sc.toFixed(2).padStart(8)} → ${bc.toFixed(2).padEnd(20)} ${(((bc - sc) / sc) * 100).toFixed(0).padStart(4)} %   max |diff| ${maxDiff.toExponential(1)}`,
      );
    }
    await session.release();
  }
}
console.log(`load ${load()}`);
