/**
 * Does skipping H.264's deblocking filter on keyframes change what Vigil reads? Keyframes-only ingest
 * decodes only I-frames, so `-skip_loop_filter all` there cannot drift (no later picture is predicted
 * from a skipped one); it saves the filter's share of each keyframe's decode. What it costs is blockier
 * pictures. Here every plate crop of vn-plate-crops is shrunk to a camera-like plate width (PLATE_WIDTH,
 * default 180 px in the 1080p picture), encoded by libx264 as one I-frame at a fixed QP (QPS, default
 * 28 and 34: a 1080p camera at 2–4 Mbit/s puts its keyframes around there), decoded with and without
 * the filter, scaled by 2/3 as ingest scales 1920 → 1280 (contracts' frameScaleFilter), converted to
 * RGB as inference does, and read by the service's plate reader (PaddleOCR rec + the CNN second look).
 *   MODELS_DIR=../shared/models npx tsx bench/ingest-deblock-plates.ts   (DATASETS_DIR, CROP_STRIDE=2, PLATE_WIDTH, QPS=28,34)
 * Target (#20): no exact-read loss over 0.5 point.
 */
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { DEFAULT_FRAME_SCALER, frameScaleFilter } from "@vigil/contracts";
import { loadCropSamples } from "../services/inference/src/eval/plate-datasets.js";
import { ingestScaledWidth, ppmPicture, servicePlateReader, type PpmPicture } from "./ingest-support/plate-crop-reads.js";

const run = promisify(execFile);
const DATASETS = process.env.DATASETS_DIR ?? path.resolve(import.meta.dirname, "../../shared/datasets");
const MODELS = process.env.MODELS_DIR ?? path.resolve(import.meta.dirname, "../../shared/models");
const STRIDE = Number(process.env.CROP_STRIDE ?? 2);
const PLATE_WIDTH = Number(process.env.PLATE_WIDTH ?? 180);
const QPS = (process.env.QPS ?? "28,34").split(",").map(Number);
const VARIANTS = ["deblocked", "skipped"] as const;
type Variant = (typeof VARIANTS)[number];
/** Every crop is PLATE_WIDTH wide before the scale, so one scale filter serves them all. */
const SCALE = frameScaleFilter(ingestScaledWidth(PLATE_WIDTH), DEFAULT_FRAME_SCALER);

/** The crop at the camera's plate width (even sizes), as one H.264 I-frame at a fixed QP. */
async function keyframe(file: string, qp: number): Promise<Buffer> {
  const out = await run("ffmpeg", ["-v", "error", "-i", file, "-vf", `scale=${PLATE_WIDTH}:-2,format=yuv420p`, "-c:v", "libx264", "-qp", String(qp), "-g", "1", "-frames:v", "1", "-f", "h264", "pipe:1"], { encoding: "buffer", maxBuffer: 1 << 24 });
  return out.stdout;
}

/** Decodes the I-frame as ingest does (with or without the filter), scaled by 2/3, as packed RGB. */
function decoded(h264: Buffer, variant: Variant): Promise<PpmPicture> {
  const args = ["-v", "error", "-threads", "1", ...(variant === "skipped" ? ["-skip_loop_filter", "all"] : []), "-skip_frame", "nokey", "-f", "h264", "-i", "pipe:0", "-vf", SCALE, "-pix_fmt", "rgb24", "-f", "image2pipe", "-c:v", "ppm", "pipe:1"];
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", args, { stdio: ["pipe", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", () => {
      try {
        resolve(ppmPicture(Buffer.concat(chunks), "the decoded keyframe"));
      } catch (err) {
        reject(err);
      }
    });
    child.stdin.end(h264);
  });
}

const { reader, close } = await servicePlateReader(MODELS);
const samples = (await loadCropSamples(DATASETS)).filter((_, i) => i % STRIDE === 0);
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(2)} %`;
console.log(`plate crops at ${PLATE_WIDTH} px as one H.264 I-frame, decoded with and without deblocking, scaled by 2/3; ${samples.length} crops (every ${STRIDE}th)\n`);
console.log("QP   exact, deblocked   exact, skipped   right only with / only without the filter   mean |difference| per byte");
for (const qp of QPS) {
  const exact: Record<Variant, number> = { deblocked: 0, skipped: 0 };
  let onlyWith = 0, onlyWithout = 0;
  // How far apart the two pictures are (mean absolute difference per RGB byte): shows the option acts.
  let diffSum = 0, diffBytes = 0;
  for (const s of samples) {
    const h264 = await keyframe(s.file, qp);
    const ok = {} as Record<Variant, boolean>;
    const pictures = { deblocked: await decoded(h264, "deblocked"), skipped: await decoded(h264, "skipped") };
    for (let i = 0; i < pictures.deblocked.data.length; i++) diffSum += Math.abs(pictures.deblocked.data[i]! - pictures.skipped.data[i]!);
    diffBytes += pictures.deblocked.data.length;
    for (const v of VARIANTS) {
      ok[v] = (await reader.readCrop(pictures[v])).plate === s.label;
      if (ok[v]) exact[v]++;
    }
    if (ok.deblocked && !ok.skipped) onlyWith++;
    if (ok.skipped && !ok.deblocked) onlyWithout++;
  }
  console.log(`${String(qp).padEnd(4)} ${pct(exact.deblocked, samples.length).padStart(16)}   ${pct(exact.skipped, samples.length).padStart(14)}   ${String(onlyWith).padStart(4)} / ${String(onlyWithout).padEnd(4)}${" ".repeat(36)}${(diffSum / diffBytes).toFixed(2)}`);
  console.log(`RESULT qp ${qp}: exact read deblocked ${pct(exact.deblocked, samples.length)}, skipped ${pct(exact.skipped, samples.length)} (difference ${((100 * (exact.skipped - exact.deblocked)) / samples.length).toFixed(2)} points; target: no loss over 0.5)`);
}
await close();
