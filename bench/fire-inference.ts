/**
 * Per-frame cost of the fire detectors on this machine: Vigil's grid model vs the shared YOLOv8n
 * baseline, on a 1280×720 camera-sized frame (resize included), 1 and 2 intra-op threads.
 * Run: npx tsx bench/fire-inference.ts   (baseline needs MODELS_DIR or ../shared/models)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Detector, RgbImage } from "../services/inference/src/detectors/detector.js";
import { VigilFireGridDetector } from "../services/inference/src/detectors/fire-vigil-grid.js";
import { YoloFireBaselineDetector } from "../services/inference/src/detectors/fire-yolov8-baseline.js";

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
