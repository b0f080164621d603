/**
 * Per-frame cost of the fire detectors on this machine: Vigil's grid model vs the shared YOLOv8n
 * baseline, on a 1280×720 camera-sized frame (resize included), 1 and 2 intra-op threads.
 * Then the whole fire chain on real CCTV frames (cctv-train clips), CPU ms per frame.
 * Run: npx tsx bench/fire-inference.ts [--verifier other.onnx] [--grid other.onnx] [--rounds N]   (baseline needs MODELS_DIR or ../shared/models,
 * the chain part DATASETS_DIR or ../shared/datasets)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Detector, RgbImage } from "../services/inference/src/detectors/detector.js";
import { VigilFireChainDetector } from "../services/inference/src/detectors/fire-vigil-chain.js";
import { VigilFireGridDetector } from "../services/inference/src/detectors/fire-vigil-grid.js";
import { YoloFireBaselineDetector } from "../services/inference/src/detectors/fire-yolov8-baseline.js";
import { decodeIngestFrames } from "../services/inference/src/image/ingest-frames.js";
import { Yuv420Image } from "../services/inference/src/image/yuv420-image.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const modelsDir = process.env.MODELS_DIR ?? path.resolve(repo, "../shared/models");

function noiseFrame(width: number, height: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    data[i] = s >> 23;
  }
  return { data, width, height };
}

async function measure(detector: Detector, image: RgbImage, runs: number): Promise<{ mean: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await detector.detect(image);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { mean: times.reduce((a, b) => a + b, 0) / runs, p95: times[Math.floor(runs * 0.95)]! };
}

const frame = noiseFrame(1280, 720);
console.log("| detector | threads | ms/frame mean | p95 |");
console.log("| --- | --- | --- | --- |");
for (const threads of [1, 2]) {
  for (const make of [() => new VigilFireGridDetector(), () => new YoloFireBaselineDetector()]) {
    const detector = make();
    await detector.load({ modelsDir, threads });
    const r = await measure(detector, frame, 40);
    console.log(`| ${detector.name} | ${threads} | ${r.mean.toFixed(1)} | ${r.p95.toFixed(1)} |`);
    await detector.close();
  }
}

// The whole chain (grid → colour gate → verifier) on real camera frames, CPU time per frame, 1 thread as in an
// analysis worker: frames of fire clips (where the verifier has candidates to look at) and of fire-free street
// clips (cctv-train only), at 2 fps. `--verifier other.onnx` / `--grid other.onnx` measure another verifier or grid
// beside the shipped chain: all chains are loaded at once and take turns, `--rounds N` times (default 1), so that a
// host whose speed drifts by minutes (BENCHMARKS.md) gives each the same conditions.
const datasets = process.env.DATASETS_DIR ?? path.resolve(repo, "../shared/datasets");
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(option("--rounds") ?? 1);
const variants: Array<{ label: string; gridModelPath?: string; verifierModelPath?: string }> = [{ label: "shipped" }];
if (option("--verifier")) variants.push({ label: `verifier ${path.basename(option("--verifier")!)}`, verifierModelPath: option("--verifier") });
if (option("--grid")) variants.push({ label: `grid ${path.basename(option("--grid")!)}`, gridModelPath: option("--grid") });
const clips = {
  "fire (fire01, fire09, fire10)": ["fire/fire01_dollhouse_fire_fixed_cam.mp4", "fire/fire09_bonfire_closeup.mp4", "fire/fire10_building_fire_fire_truck.mp4"],
  "street (neg01, neg06, neg13)": ["negatives/neg01_vn_toll_plaza_anpr_day.mp4", "negatives/neg06_highway_overpass_day.mp4", "negatives/neg13_intersection_cctv_day.mp4"],
};
/** The clip's frames at 2 fps as ingest hands them to inference (YUV 4:2:0, 1280 px wide). */
async function decode(file: string): Promise<Yuv420Image[]> {
  const out: Yuv420Image[] = [];
  for await (const { image } of decodeIngestFrames(file, { sampleFps: 2 })) out.push(image);
  return out;
}
const chains = await Promise.all(
  variants.map(async (v) => {
    const chain = new VigilFireChainDetector({ gridModelPath: v.gridModelPath, verifierModelPath: v.verifierModelPath });
    await chain.load({ modelsDir, threads: 1 });
    return chain;
  }),
);
console.log("\n| chain (1 thread) | variant | round | frames | candidates verified / frame | CPU ms/frame mean | p95 |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const [name, files] of Object.entries(clips)) {
  const frames = (await Promise.all(files.map((f) => decode(path.join(datasets, "cctv-video", f))))).flat();
  for (let round = 1; round <= rounds; round += 1) {
    for (const [k, chain] of chains.entries()) {
      const cpu: number[] = [];
      let verified = 0;
      for (const [i, frame] of [...frames.slice(0, 3), ...frames].entries()) {
        // A new image per look: Yuv420Image keeps its half picture and RGB once made, and every analysed frame pays for them.
        const image = new Yuv420Image(frame.yuv, frame.width, frame.height);
        const c0 = process.cpuUsage();
        const scored = await chain.scored(image);
        const d = process.cpuUsage(c0);
        if (i < 3) continue; // warm-up
        cpu.push((d.user + d.system) / 1000);
        verified += scored.length;
      }
      cpu.sort((a, b) => a - b);
      console.log(`| ${name} | ${variants[k]!.label} | ${round} | ${cpu.length} | ${(verified / cpu.length).toFixed(2)} | ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)} | ${cpu[Math.floor(cpu.length * 0.95)]!.toFixed(1)} |`);
    }
  }
}
await Promise.all(chains.map((c) => c.close()));
