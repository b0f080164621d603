/**
 * The plate detector on a 16:9 frame at 640×384 (the export rewritten in memory, runtime/onnx-rect-input.ts)
 * against the 640×640 letterbox (#20), both through PlateYoloDetector, interleaved frame by frame, one
 * intra-op thread: CPU per look on moving CCTV frames without a plate (neg02, 1280×720) and on the 48
 * vn-plate-frames (1920×1080), and how the boxes agree (score ≥ 0.25, IoU ≥ 0.5). `npm run eval:plates` is the
 * accuracy that counts.
 *   npx tsx bench/plate-rect-input.ts
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { PlateYoloDetector } from "../services/inference/src/detectors/plate-yolo.js";
import { decodeImage, type RgbImage } from "../services/inference/src/image/rgb-image.js";
import { iou } from "../services/inference/src/tracking/iou.js";
import { cctvFrames1280 } from "./e2e-bench-util.js";

const MODELS_DIR = process.env.MODELS_DIR ?? "../shared/models";
const DATASETS = process.env.DATASETS_DIR ?? "../shared/datasets";
const FRAMES = Number(process.env.BENCH_FRAMES ?? 60);

const square = new PlateYoloDetector({ rectInput: false });
const rect = new PlateYoloDetector();
await square.load({ modelsDir: MODELS_DIR, threads: 1 });
await rect.load({ modelsDir: MODELS_DIR, threads: 1 });
const loadBefore = loadavg().map((l) => l.toFixed(2)).join(" / ");
const framesDir = path.join(DATASETS, "vn-plate-frames/images");
const sets = {
  "moving CCTV, no plate (neg02, 1280×720)": cctvFrames1280(path.join(DATASETS, "cctv-video/negatives/neg02_vn_intersection_cctv_day.mp4"), FRAMES),
  "vn-plate-frames (1920×1080)": await Promise.all(readdirSync(framesDir).filter((f) => f.endsWith(".jpg")).sort().map((f) => decodeImage(readFileSync(path.join(framesDir, f))))),
};
for (const d of [square, rect]) for (const f of sets["vn-plate-frames (1920×1080)"].slice(0, 3)) await d.detect(f);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
async function cpuOf(d: PlateYoloDetector, f: RgbImage) {
  const t0 = process.cpuUsage();
  const out = await d.detect(f);
  const c = process.cpuUsage(t0);
  return { out, ms: (c.user + c.system) / 1000 };
}
console.log(`load before ${loadBefore}\n`);
console.log("| frames | n | CPU ms per look, median: 640² → 640×384 | change | boxes: both / only 640² / only 640×384 | score difference, median / max |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [name, frames] of Object.entries(sets)) {
  const ms = { square: [] as number[], rect: [] as number[] };
  let both = 0, onlySquare = 0, onlyRect = 0;
  const diff: number[] = [];
  for (const f of frames) {
    const a = await cpuOf(square, f);
    const b = await cpuOf(rect, f);
    ms.square.push(a.ms);
    ms.rect.push(b.ms);
    const used = new Set<number>();
    for (const d of a.out) {
      const j = b.out.findIndex((e, i) => !used.has(i) && iou(d.bbox, e.bbox) >= 0.5);
      if (j < 0) { onlySquare++; continue; }
      used.add(j);
      both++;
      diff.push(Math.abs(d.confidence - b.out[j]!.confidence));
    }
    onlyRect += b.out.length - used.size;
  }
  const s = median(ms.square), r = median(ms.rect);
  console.log(`| ${name} | ${frames.length} | ${s.toFixed(1)} → ${r.toFixed(1)} | ${(100 * (r / s - 1)).toFixed(0)} % | ${both} / ${onlySquare} / ${onlyRect} | ${diff.length ? `${median(diff).toFixed(3)} / ${Math.max(...diff).toFixed(3)}` : "-"} |`);
}
console.log(`\nload after ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
await square.close();
await rect.close();
