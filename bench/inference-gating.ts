/**
 * What motion gating saves per analysed frame, plates + fire, on static and moving scenes (#20):
 *   before = whole-frame plate detector on every moving frame, fire chain on every frame;
 *   after  = plate detector on a window around small motion (plates/motion-crop.ts), fire chain at a
 *            lower rate while nothing is suspected (every 4th frame of a static scene, every 2nd of a
 *            changing one) and while a confirmed fire is ongoing (every 2nd; fire/fire-rate-gate.ts).
 * Both run in this process, one analysis unit each (main thread, ONNX_THREADS intra-op threads), and
 * every frame goes to one then the other, alternating which goes first, so a busy machine slows both alike.
 * CPU time is the process's (all threads) during each process() call.
 *   npx tsx bench/inference-gating.ts        (FRAMES=40 per scene, ONNX_THREADS=1)
 * Scenes at 2 fps, decoded as ingest hands frames over (YUV 4:2:0, 1280 px wide, the source aspect kept): two still photos (H.264-encoded, so with a real codec's noise): one the fire
 * chain sees nothing in, one where it keeps a sub-threshold suspicion; the demo street video (vehicles
 * crossing); a real CCTV intersection (traffic, sensor noise); a real CCTV fire clip, for time to first alert.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { Frame, FireEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createFrameAnalysis, type FrameAnalysis } from "../services/inference/src/analysis/frame-analysis.js";
import { createFireDetector } from "../services/inference/src/detectors/fire-registry.js";
import { PlateYoloDetector } from "../services/inference/src/detectors/plate-yolo.js";
import type { CandidateFireDetector } from "../services/inference/src/fire/fire-pipeline.js";
import { buildFireClip, pickHeldOutFireImage } from "../services/inference/src/fire/fire-video-check.js";
import { decodeIngestFrames } from "../services/inference/src/image/ingest-frames.js";
import { cropRgb } from "../services/inference/src/image/rgb-image.js";
import type { AnalysisCounter, AnalysisMetrics } from "../services/inference/src/metrics.js";
import { cropBoxToFrame, planMotionCrop } from "../services/inference/src/plates/motion-crop.js";
import { frameImagePath, loadFrameBoxes } from "../services/inference/src/eval/plate-datasets.js";
import { iou } from "../services/inference/src/tracking/iou.js";
import { cachedClip, load, MODELS_DIR, pct } from "./e2e-bench-util.js";

const DATASETS = path.resolve(process.env.DATASETS_DIR ?? path.join(import.meta.dirname, "..", "..", "shared", "datasets"));
const FRAMES = Number(process.env.FRAMES ?? 40);
const THREADS = Number(process.env.ONNX_THREADS ?? 1);
const W = 1280;
const H = 720;
/** When the composited fire appears in the static scene (after the rate gate has settled into skipping). */
const FIRE_FROM_S = 4.2;

/** Counts what each analysis did: detector looks (whole / crop), fire chain runs and skips. */
class CountingMetrics implements AnalysisMetrics {
  readonly stages = new Map<string, { n: number; ms: number }>();
  readonly counts = new Map<string, number>();
  count(counter: AnalysisCounter): void {
    this.counts.set(counter, (this.counts.get(counter) ?? 0) + 1);
  }
  observeStage(stage: string, ms: number): void {
    const s = this.stages.get(stage) ?? { n: 0, ms: 0 };
    s.n += 1;
    s.ms += ms;
    this.stages.set(stage, s);
  }
  snapshot(): { detect: number; detectMs: number; crop: number; cropMs: number; fireSkipped: number; fireMs: number; fireN: number } {
    return {
      detect: this.stages.get("plate_detect")?.n ?? 0,
      detectMs: this.stages.get("plate_detect")?.ms ?? 0,
      crop: this.stages.get("plate_detect_crop")?.n ?? 0,
      cropMs: this.stages.get("plate_detect_crop")?.ms ?? 0,
      fireSkipped: this.counts.get("fireFramesSkipped") ?? 0,
      fireMs: this.stages.get("fire")?.ms ?? 0,
      fireN: this.stages.get("fire")?.n ?? 0,
    };
  }
}

interface Unit {
  name: "before" | "after";
  analysis: FrameAnalysis;
  metrics: CountingMetrics;
  fireEvents: FireEvent[];
}

const logger = createLogger({ name: "bench-gating", level: "warn" });
const work = await mkdtemp(path.join(tmpdir(), "vigil-gating-"));

async function unit(name: Unit["name"]): Promise<Unit> {
  const metrics = new CountingMetrics();
  const fireEvents: FireEvent[] = [];
  const gating = name === "after" ? {} : { motionCrop: false, fireRate: { staticEvery: 1, movingEvery: 1, ongoingEvery: 1 } };
  const analysis = await createFrameAnalysis(
    { modelsDir: MODELS_DIR, mediaDir: path.join(work, name), threads: THREADS, ...gating },
    { logger, metrics, publishPlate: async () => {}, publishFire: async (e) => void fireEvents.push(e) },
  );
  return { name, analysis, metrics, fireEvents };
}

/** A sampled picture as ingest hands it to inference: YUV 4:2:0, 1280 px wide, the height by the source's aspect. */
interface ScenePicture {
  data: Buffer;
  width: number;
  height: number;
}

/** The first `max` frames of a video at 2 fps, decoded as ingest does (image/ingest-frames.ts). */
async function framesOf(video: string, max: number): Promise<ScenePicture[]> {
  const out: ScenePicture[] = [];
  for await (const { image } of decodeIngestFrames(video, { sampleFps: 2, width: W })) {
    out.push({ data: image.yuv as Buffer, width: image.width, height: image.height });
    if (out.length >= max) break;
  }
  return out;
}

/**
 * A still photo as a 1280×720 H.264 clip (a static camera: the picture does not change, the codec's noise does),
 * optionally with a held-out real fire photo composited in, flickering, from `fireFromS` (fire/fire-video-check.ts).
 */
async function stillClip(photo: string, name: string, fire?: { fromS: number }): Promise<string> {
  const fireImage = fire ? await pickHeldOutFireImage(DATASETS, (await readFile(path.join(import.meta.dirname, "../models/training/fire/splits/test.txt"), "utf8")).split("\n").filter(Boolean)) : undefined;
  return buildFireClip({ background: photo, fireFromS: fire?.fromS ?? 1e9, ...(fireImage ? { fireImage } : {}), durationS: FRAMES / 2 + 1, fps: 10, width: W, height: H, outPath: path.join(work, `${name}.mp4`) });
}

/** The first photo of a folder (by name) the fire chain sees nothing in, and the first where it keeps a detection or candidate. */
async function pickStills(): Promise<{ clean?: string; suspect?: string }> {
  const chain = createFireDetector();
  await chain.load({ modelsDir: MODELS_DIR, threads: THREADS });
  const picked: { clean?: string; suspect?: string } = {};
  for (const dir of ["vn-plate-frames/street", "fire-vs-normal/normal"]) {
    for (const f of (await readdir(path.join(DATASETS, dir))).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort()) {
      const file = path.join(DATASETS, dir, f);
      const { data } = await sharp(await readFile(file)).resize(W, H, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const found = await (chain as unknown as CandidateFireDetector).detectWithCandidates({ data, width: W, height: H });
      const key = found.detections.length + found.candidates.length === 0 ? "clean" : "suspect";
      picked[key] ??= `${dir}/${f}`;
      if (picked.clean && picked.suspect) break;
    }
    if (picked.clean && picked.suspect) break;
  }
  await chain.close();
  return picked;
}

interface SceneResult {
  scene: string;
  frames: number;
  cpu: Record<Unit["name"], number[]>;
  counts: Record<Unit["name"], ReturnType<CountingMetrics["snapshot"]>>;
  firstFireS: Record<Unit["name"], number | undefined>;
}

async function runScene(scene: string, frames: ScenePicture[], units: Unit[], cameraId: string): Promise<SceneResult> {
  const before = Object.fromEntries(units.map((u) => [u.name, u.metrics.snapshot()])) as SceneResult["counts"];
  const eventsBefore = Object.fromEntries(units.map((u) => [u.name, u.fireEvents.length]));
  const cpu: SceneResult["cpu"] = { before: [], after: [] };
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < frames.length; i++) {
    const order = i % 2 === 0 ? units : [...units].reverse();
    for (const u of order) {
      const { data, width, height } = frames[i]!;
      const frame: Frame = { schemaVersion: 1, cameraId, seq: i, captureTs: t0 + i * 500, width, height, format: "yuv420", analytics: ["plates", "fire"], data };
      const c0 = process.cpuUsage();
      await u.analysis.process(frame);
      const c = process.cpuUsage(c0);
      cpu[u.name].push((c.user + c.system) / 1000);
    }
  }
  const counts = {} as SceneResult["counts"];
  const firstFireS = {} as SceneResult["firstFireS"];
  for (const u of units) {
    const now = u.metrics.snapshot();
    const was = before[u.name];
    counts[u.name] = { detect: now.detect - was.detect, detectMs: now.detectMs - was.detectMs, crop: now.crop - was.crop, cropMs: now.cropMs - was.cropMs, fireSkipped: now.fireSkipped - was.fireSkipped, fireMs: now.fireMs - was.fireMs, fireN: now.fireN - was.fireN };
    const first = u.fireEvents.slice(eventsBefore[u.name]).find((e) => e.cameraId === cameraId && e.kind === "fire" && e.revision === 0);
    firstFireS[u.name] = first ? (Date.parse(first.ts) - t0) / 1000 : undefined;
  }
  return { scene, frames: frames.length, cpu, counts, firstFireS };
}

const f1 = (v: number) => v.toFixed(1);

function print(r: SceneResult): void {
  console.log(`\n${r.scene} (${r.frames} frames)`);
  for (const name of ["before", "after"] as const) {
    const p = pct(r.cpu[name]);
    const c = r.counts[name];
    const fire = r.firstFireS[name] === undefined ? "" : ` · first fire event at ${r.firstFireS[name]!.toFixed(1)} s`;
    const fireRan = r.frames - c.fireSkipped;
    console.log(
      `  ${name.padEnd(6)} CPU/frame mean ${f1(p.mean)} ms · p50 ${f1(p.p50)} · p95 ${f1(p.p95)} | plate detector ${c.detect} looks (${c.crop} on a crop), ${f1(c.detectMs / Math.max(1, r.frames))} ms/frame · fire chain ${fireRan}/${r.frames} frames, ${f1(c.fireMs / Math.max(1, r.frames))} ms/frame${fire}`,
    );
  }
  const saved = 1 - pct(r.cpu.after).mean / pct(r.cpu.before).mean;
  console.log(`  saved ${(saved * 100).toFixed(0)} % of CPU per frame`);
}

/**
 * The plate detector alone on one 1280×720 frame: whole (letterboxed 1280×720 → 640×360 + padding) vs a
 * 640×640 window at native resolution (no resize), interleaved, `n` each. CPU ms (median).
 */
async function detectorAlone(n: number): Promise<{ whole: number; crop: number }> {
  const detector = new PlateYoloDetector();
  await detector.load({ modelsDir: MODELS_DIR, threads: THREADS });
  const { data } = await sharp(await readFile(path.join(DATASETS, "vn-plate-frames/street/test2.jpg"))).resize(W, H, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const frame = { data, width: W, height: H };
  const rect = planMotionCrop([0.45, 0.4, 0.1, 0.1], frame, undefined)!;
  const cpu = { whole: [] as number[], crop: [] as number[] };
  for (let i = 0; i < n + 2; i++) {
    for (const kind of i % 2 === 0 ? (["whole", "crop"] as const) : (["crop", "whole"] as const)) {
      const c0 = process.cpuUsage();
      await detector.detect(kind === "whole" ? frame : cropRgb(frame, rect));
      const c = process.cpuUsage(c0);
      if (i >= 2) cpu[kind].push((c.user + c.system) / 1000);
    }
  }
  await detector.close();
  return { whole: pct(cpu.whole).p50, crop: pct(cpu.crop).p50 };
}

/**
 * What the crop is for: far plates. Each labelled 1920×1080 frame of vn-plate-frames, shrunk by `shrink` and pasted
 * in the middle of a 1280×720 street photo (a far vehicle), its plates looked for on the whole frame and on the
 * motion window planned around each plate (box grown ×3 as the motion region). Recall at IoU ≥ 0.3, as eval:plates.
 */
async function farPlateRecall(shrink: number): Promise<{ boxes: number; whole: number; crop: number; medianWidthPx: number }> {
  const detector = new PlateYoloDetector();
  await detector.load({ modelsDir: MODELS_DIR, threads: THREADS });
  const background = await sharp(await readFile(path.join(DATASETS, "vn-plate-frames/street/test2.jpg"))).resize(W, H, { fit: "cover" }).removeAlpha().png().toBuffer();
  const names = (await readdir(path.join(DATASETS, "vn-plate-frames/boxes"))).map((f) => f.replace(/\.txt$/, ""));
  let boxes = 0, whole = 0, crop = 0;
  const widths: number[] = [];
  for (const name of names) {
    const truth = await loadFrameBoxes(DATASETS, name);
    if (truth.length === 0) continue;
    const pw = Math.round(1920 * shrink), ph = Math.round(1080 * shrink);
    const left = Math.round((W - pw) / 2), top = Math.round((H - ph) / 2);
    const piece = await sharp(frameImagePath(DATASETS, name)).resize(pw, ph, { fit: "fill" }).png().toBuffer();
    const { data } = await sharp(background).composite([{ input: piece, left, top }]).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const frame = { data, width: W, height: H };
    const placed = truth.map(([x, y, w, h]) => [(left + x * pw) / W, (top + y * ph) / H, (w * pw) / W, (h * ph) / H] as [number, number, number, number]);
    const onWhole = await detector.detect(frame);
    for (const t of placed) {
      boxes++;
      widths.push(t[2] * W);
      if (onWhole.some((d) => iou(d.bbox, t) >= 0.3)) whole++;
      const region: [number, number, number, number] = [Math.max(0, t[0] - t[2]), Math.max(0, t[1] - t[3]), 3 * t[2], 3 * t[3]];
      const rect = planMotionCrop(region, frame, undefined);
      const found = rect ? (await detector.detect(cropRgb(frame, rect))).map((d) => cropBoxToFrame(d.bbox, rect, frame)) : onWhole.map((d) => d.bbox);
      if (found.some((b) => iou(b, t) >= 0.3)) crop++;
    }
  }
  await detector.close();
  return { boxes, whole, crop, medianWidthPx: pct(widths).p50 };
}

console.log(`inference gating: plates + fire per 1280×720 frame at 2 fps, before/after interleaved; ${THREADS} onnxruntime thread(s); ${os.cpus().length} cores; load ${load()}`);
const alone = await detectorAlone(20);
console.log(`plate detector alone, CPU median of 20: whole 1280×720 frame ${f1(alone.whole)} ms, 640×640 window at native resolution ${f1(alone.crop)} ms`);
for (const shrink of [1 / 4, 1 / 6, 1 / 8, 1 / 10]) {
  const r = await farPlateRecall(shrink);
  console.log(`far plates (vn-plate-frames shrunk ×${shrink.toFixed(2)} into a 1280×720 street, median plate ${f1(r.medianWidthPx)} px wide): recall whole frame ${r.whole}/${r.boxes}, on the motion window ${r.crop}/${r.boxes}`);
}
const stills = await pickStills();
console.log(`stills: nothing suspected = ${stills.clean ?? "(none found)"}; fire chain suspects something = ${stills.suspect ?? "(none found)"}`);
const demo = await cachedClip({ seed: 3, wanted: "51F-123.45", durationS: Math.ceil(FRAMES / 2) + 2, width: W, height: H });

const scenes: Array<{ name: string; video: string; max?: number }> = [];
if (stills.clean) scenes.push({ name: `static, nothing suspected (${stills.clean})`, video: await stillClip(path.join(DATASETS, stills.clean), "still-clean") });
if (stills.suspect) scenes.push({ name: `static, fire chain suspects (${stills.suspect})`, video: await stillClip(path.join(DATASETS, stills.suspect), "still-suspect") });
scenes.push({ name: "moving: demo street video (vehicles with plates crossing)", video: demo.video });
scenes.push({ name: "moving: real CCTV intersection (cctv-video/negatives/neg13, traffic)", video: path.join(DATASETS, "cctv-video/negatives/neg13_intersection_cctv_day.mp4") });
if (stills.clean) scenes.push({ name: `fire appears at ${FIRE_FROM_S} s in the static scene (held-out fire photo composited, flickering)`, video: await stillClip(path.join(DATASETS, stills.clean), "still-fire", { fromS: FIRE_FROM_S }), max: 24 });
scenes.push({ name: "fire: real CCTV bin fire from 0 s (cctv-video/fire/fire06)", video: path.join(DATASETS, "cctv-video/fire/fire06_indoor_bin_fire.mp4"), max: 24 });

const units = [await unit("before"), await unit("after")];
// Warm both (first-run allocations), on a camera of its own.
await runScene("warm-up", (await framesOf(demo.video, 4)), units, "warm");

const results: SceneResult[] = [];
for (const [i, s] of scenes.entries()) {
  const frames = await framesOf(s.video, s.max ?? FRAMES);
  const r = await runScene(s.name, frames, units, `scene-${i}`);
  results.push(r);
  print(r);
}
console.log(`\nload average at the end ${load()}`);
for (const u of units) await u.analysis.close();
await rm(work, { recursive: true, force: true });
