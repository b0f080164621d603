/**
 * The plate detector fp32 vs its int8 (QDQ) version, same process, interleaved frame by frame,
 * through PlateYoloDetector (letterbox + session + decoding), on moving 1280×720 CCTV frames
 * without a plate (neg02, a clip the calibration does not use).
 *   npx tsx bench/plate-detector-int8.ts [FP32.onnx] [INT8.onnx ...]
 * Defaults: MODELS_DIR/plate-detector-yolo-vn-640.onnx and MODELS_DIR/plate-detector-yolo-vn-640-int8.onnx.
 * Also prints how the detections of each variant agree with fp32's on vn-plate-frames (score ≥ 0.25,
 * IoU ≥ 0.5): a quick proxy; `npm run eval:plates` is the accuracy that counts.
 */
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { PlateYoloDetector } from "../services/inference/src/detectors/plate-yolo.js";
import { decodeImage } from "../services/inference/src/image/rgb-image.js";
import { iou } from "../services/inference/src/tracking/iou.js";
import { cctvFrames1280 } from "./e2e-bench-util.js";

const MODELS_DIR = process.env.MODELS_DIR ?? "../shared/models";
const DATASETS = process.env.DATASETS_DIR ?? "../shared/datasets";
const THREADS = Number(process.env.ONNX_THREADS ?? 2);
const FRAMES = Number(process.env.BENCH_FRAMES ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const files = process.argv.slice(2);
if (files.length === 0) files.push(path.join(MODELS_DIR, "plate-detector-yolo-vn-640.onnx"), path.join(MODELS_DIR, "plate-detector-yolo-vn-640-int8.onnx"));

/** A detector on a given file: a temporary MODELS_DIR holding it under the manifest's name. */
async function detectorFor(file: string): Promise<PlateYoloDetector> {
  const dir = mkdtempSync(path.join(tmpdir(), "vigil-plate-int8-"));
  symlinkSync(path.resolve(file), path.join(dir, "plate-detector-yolo-vn-640.onnx"));
  const d = new PlateYoloDetector();
  await d.load({ modelsDir: dir, threads: THREADS });
  return d;
}


const q = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))]!;
const detectors = await Promise.all(files.map(detectorFor));
const frames = cctvFrames1280(path.join(DATASETS, "cctv-video/negatives/neg02_vn_intersection_cctv_day.mp4"), FRAMES);
const wall = files.map(() => [] as number[]);
const cpu = files.map(() => [] as number[]);
const found = files.map(() => 0);
for (const d of detectors) for (const f of frames.slice(0, 3)) await d.detect(f);
const load0 = loadavg()[0]!;
for (let r = 0; r < ROUNDS; r++) {
  for (const [i, f] of frames.entries()) {
    // Rotate who goes first so neither always runs on a cache the other warmed.
    for (let k = 0; k < detectors.length; k++) {
      const j = (k + i + r) % detectors.length;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const dets = await detectors[j]!.detect(f);
      wall[j]!.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[j]!.push((c.user + c.system) / 1000);
      if (r === 0) found[j]! += dets.length;
    }
  }
}
const load1 = loadavg()[0]!;
console.log(`plate detector per 1280×720 frame (${THREADS} threads, ${frames.length} frames × ${ROUNDS} rounds, interleaved; load average ${load0.toFixed(2)} → ${load1.toFixed(2)})`);
for (const [j, file] of files.entries()) {
  const ratio = j === 0 ? "" : `   ×${(q(wall[j]!, 0.5) / q(wall[0]!, 0.5)).toFixed(2)} wall median vs ${path.basename(files[0]!)}`;
  console.log(`  ${path.basename(file).padEnd(44)} wall median ${q(wall[j]!, 0.5).toFixed(1)} ms p95 ${q(wall[j]!, 0.95).toFixed(1)} | CPU median ${q(cpu[j]!, 0.5).toFixed(1)} ms p95 ${q(cpu[j]!, 0.95).toFixed(1)} | detections ${found[j]}${ratio}`);
}

if (process.env.BENCH_AGREE !== "0") {
  const dir = path.join(DATASETS, "vn-plate-frames/images");
  const names = readdirSync(dir).filter((f) => f.endsWith(".jpg")).sort();
  const stats = files.map(() => ({ dets: 0, matched: 0, missed: 0, extra: 0, dScore: 0, minIou: 1 }));
  for (const name of names) {
    const image = await decodeImage(readFileSync(path.join(dir, name)));
    const ref = await detectors[0]!.detect(image);
    for (let j = 1; j < detectors.length; j++) {
      const got = await detectors[j]!.detect(image);
      const s = stats[j]!;
      s.dets += got.length;
      const used = new Set<number>();
      for (const r of ref) {
        let best = -1;
        let bestIou = 0.5;
        got.forEach((g, k) => {
          const o = iou(r.bbox, g.bbox);
          if (!used.has(k) && o >= bestIou) [best, bestIou] = [k, o];
        });
        if (best < 0) s.missed++;
        else {
          used.add(best);
          s.matched++;
          s.dScore = Math.max(s.dScore, Math.abs(got[best]!.confidence - r.confidence));
          s.minIou = Math.min(s.minIou, bestIou);
        }
      }
      s.extra += got.length - used.size;
    }
  }
  console.log(`agreement with ${path.basename(files[0]!)} on vn-plate-frames (${names.length} frames)`);
  for (let j = 1; j < files.length; j++) {
    const s = stats[j]!;
    console.log(`  ${path.basename(files[j]!).padEnd(44)} matched ${s.matched}, missed ${s.missed}, extra ${s.extra}; max |Δscore| ${s.dScore.toFixed(3)}, min IoU ${s.minIou.toFixed(3)}`);
  }
}
await Promise.all(detectors.map((d) => d.close()));
