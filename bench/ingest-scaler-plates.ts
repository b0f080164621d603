/**
 * Does the frame scaler change what Vigil reads? Every plate crop of vn-plate-crops (1879 crops cut at
 * the camera's resolution) scaled as ingest scales a 1920 → 1280 frame — by 2/3, with zscale (zimg, the
 * default where ffmpeg has it) and with swscale (the fallback), contracts' frameScaleFilter, to YUV 4:2:0
 * and back to RGB as inference makes it — then read by the service's plate reader (PaddleOCR rec + the
 * CNN second opinion). CROP_STRIDE=n reads every n-th crop (one ffmpeg per crop and scaler: ~0.3 s a crop here). eval:plates' frame part has only 34 legible plates (one read = 2.9 points); this
 * compares the two scalers on 55× as many.
 *   MODELS_DIR=../shared/models npx tsx bench/ingest-scaler-plates.ts   (DATASETS_DIR, CROP_STRIDE=1)
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { frameScaleFilter, type FrameScaler } from "@vigil/contracts";
import { loadCropSamples } from "../services/inference/src/eval/plate-datasets.js";
import { ingestScaledWidth, ppmPicture, servicePlateReader, type PpmPicture } from "./ingest-support/plate-crop-reads.js";

const run = promisify(execFile);
const DATASETS = process.env.DATASETS_DIR ?? path.resolve(import.meta.dirname, "../../shared/datasets");
const MODELS = process.env.MODELS_DIR ?? path.resolve(import.meta.dirname, "../../shared/models");
const STRIDE = Number(process.env.CROP_STRIDE ?? 1);
const SCALERS: FrameScaler[] = ["swscale", "zscale"];

/** The crop at 2/3 of its size (width even, as YUV 4:2:0 needs), through the scaler, as packed RGB. */
async function scaled(file: string, scaler: FrameScaler): Promise<PpmPicture> {
  const { width: w } = await sharp(file).metadata();
  const width = ingestScaledWidth(w!);
  // -2 height: even, by the aspect ratio; RGB from the YUV by swscale's unscaled path for both
  const out = await run("ffmpeg", ["-v", "error", "-i", file, "-vf", frameScaleFilter(width, scaler), "-pix_fmt", "rgb24", "-f", "image2pipe", "-c:v", "ppm", "pipe:1"], { encoding: "buffer", maxBuffer: 1 << 24 });
  return ppmPicture(out.stdout, file);
}

const { reader } = await servicePlateReader(MODELS);
const samples = (await loadCropSamples(DATASETS)).filter((_, i) => i % STRIDE === 0);
/** Crops per plate kind, and how many of them each scaler's picture was read exactly from. */
const byKind = new Map<string, { n: number; exact: Record<FrameScaler, number> }>();
let onlySw = 0, onlyZ = 0;
for (const s of samples) {
  const k = byKind.get(s.kind) ?? { n: 0, exact: { swscale: 0, zscale: 0 } };
  byKind.set(s.kind, k);
  k.n++;
  const ok = {} as Record<FrameScaler, boolean>;
  for (const scaler of SCALERS) {
    ok[scaler] = (await reader.readCrop(await scaled(s.file, scaler))).plate === s.label;
    if (ok[scaler]) k.exact[scaler]++;
  }
  if (ok.swscale && !ok.zscale) onlySw++;
  if (ok.zscale && !ok.swscale) onlyZ++;
}
const exact = (scaler: FrameScaler) => [...byKind.values()].reduce((sum, k) => sum + k.exact[scaler], 0);
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
console.log(`plate crops scaled by 2/3 (as a 1920 → 1280 frame), read by the service's reader; ${samples.length} crops\n`);
console.log("kind               crops   exact, swscale   exact, zscale");
for (const [kind, k] of [...byKind.entries()].sort()) console.log(`${kind.padEnd(18)} ${String(k.n).padStart(5)}   ${pct(k.exact.swscale, k.n).padStart(14)}   ${pct(k.exact.zscale, k.n).padStart(13)}`);
console.log(`${"all".padEnd(18)} ${String(samples.length).padStart(5)}   ${pct(exact("swscale"), samples.length).padStart(14)}   ${pct(exact("zscale"), samples.length).padStart(13)}`);
console.log(`read right by one scaler only: swscale ${onlySw}, zscale ${onlyZ}`);
console.log(`RESULT exact read swscale ${pct(exact("swscale"), samples.length)}, zscale ${pct(exact("zscale"), samples.length)} (difference ${(100 * (exact("zscale") - exact("swscale")) / samples.length).toFixed(2)} points; target: no loss over 0.5)`);
