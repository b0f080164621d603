/**
 * The plate readers as a cascade (#20): the CNN slot reader (~3 ms a plate) first, PaddleOCR (~15 ms a line) only
 * when the CNN's reading is no valid plate or under a confidence. Every vn-plate-crops crop is read once by each
 * reader alone (timed, one intra-op thread), the cascade simulated for a row of thresholds on the even- and the
 * odd-indexed crops, then PlateReader itself timed with the shipped threshold against the shortcut turned off.
 *   npx tsx bench/ocr-cascade.ts
 * The threshold (CNN_TRUSTED_CONFIDENCE) was chosen on the even half; `npm run eval:plates` is the accuracy that counts.
 */
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { loadCropSamples } from "../services/inference/src/eval/plate-datasets.js";
import { decodeImage, type RgbImage } from "../services/inference/src/image/rgb-image.js";
import { CnnPlateReader } from "../services/inference/src/ocr/cnn-plate-reader.js";
import { PaddleRecognizer } from "../services/inference/src/ocr/paddle-recognizer.js";
import { decodePlate, type PlateDecode } from "../services/inference/src/plates/plate-decode.js";
import { splitPlateLines } from "../services/inference/src/plates/plate-layout.js";
import { CNN_TRUSTED_CONFIDENCE, PlateReader } from "../services/inference/src/plates/plate-reader.js";

const MODELS_DIR = process.env.MODELS_DIR ?? "../shared/models";
const DATASETS = process.env.DATASETS_DIR ?? "../shared/datasets";
const load = { modelsDir: MODELS_DIR, threads: 1 };
const paddle = new PaddleRecognizer();
const cnn = new CnnPlateReader();
await paddle.load(load);
await cnn.load(load);

interface Read { label: string; crop: RgbImage; paddle: PlateDecode; cnn: PlateDecode; paddleMs: number; cnnMs: number }
const loadBefore = loadavg().map((l) => l.toFixed(2)).join(" / ");
const reads: Read[] = [];
for (const s of await loadCropSamples(DATASETS)) {
  const crop = await decodeImage(await readFile(s.file));
  const t0 = performance.now();
  const p = decodePlate(await paddle.readLines(splitPlateLines(crop).lines));
  const t1 = performance.now();
  const c = decodePlate([(await cnn.read([crop]))[0] ?? []]);
  reads.push({ label: s.label, crop, paddle: p, cnn: c, paddleMs: t1 - t0, cnnMs: performance.now() - t1 });
}

/** Both readers, as PlateReader combines them without the shortcut. */
function both(r: Read): string {
  if (r.cnn.valid && r.cnn.plate === r.paddle.plate) return r.paddle.plate;
  return r.cnn.valid && (!r.paddle.valid || r.cnn.confidence > r.paddle.confidence) ? r.cnn.plate : r.paddle.plate;
}
// As PlateReader: a valid CNN reading of 8 or 9 characters at the threshold or more.
const trusted = (r: Read, t: number) => r.cnn.valid && r.cnn.confidence >= t && r.cnn.plate.length >= 8;
const cascade = (r: Read, t: number) => (trusted(r, t) ? r.cnn.plate : both(r));
const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(1)} %`;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const right = (rs: Read[], read: (r: Read) => string) => rs.filter((r) => read(r) === r.label).length;

console.log(`vn-plate-crops: ${reads.length} crops; load ${loadBefore}`);
console.log(`alone, exact vs label: PaddleOCR ${pct(right(reads, (r) => r.paddle.plate), reads.length)}, CNN ${pct(right(reads, (r) => r.cnn.plate), reads.length)}, both ${pct(right(reads, both), reads.length)}`);
console.log(`ms per crop, median: PaddleOCR ${median(reads.map((r) => r.paddleMs)).toFixed(1)}, CNN ${median(reads.map((r) => r.cnnMs)).toFixed(1)}\n`);
console.log("| CNN trusted at | even crops: exact, cascade vs both | odd crops: exact, cascade vs both | PaddleOCR skipped (all) |");
console.log("| --- | --- | --- | --- |");
const halves = [reads.filter((_, i) => i % 2 === 0), reads.filter((_, i) => i % 2 === 1)];
for (const t of [0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999]) {
  const cells = halves.map((h) => `${pct(right(h, (r) => cascade(r, t)), h.length)} vs ${pct(right(h, both), h.length)}`);
  const mark = t === CNN_TRUSTED_CONFIDENCE ? " (shipped)" : "";
  console.log(`| ${t}${mark} | ${cells[0]} | ${cells[1]} | ${pct(reads.filter((r) => trusted(r, t)).length, reads.length)} |`);
}

// PlateReader itself, interleaved crop by crop: the shipped cascade against both readers on every crop.
const shipped = new PlateReader(paddle, { second: cnn });
const off = new PlateReader(paddle, { second: cnn, secondTrustedAt: 1.01 });
const ms = { shipped: [] as number[], off: [] as number[] };
let agree = 0;
for (const r of reads) {
  const t0 = performance.now();
  const a = await shipped.readCrop(r.crop);
  const t1 = performance.now();
  const b = await off.readCrop(r.crop);
  ms.shipped.push(t1 - t0);
  ms.off.push(performance.now() - t1);
  if (a.plate === b.plate) agree++;
}
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
console.log(`\nPlateReader per crop, mean / median ms: both readers ${mean(ms.off).toFixed(1)} / ${median(ms.off).toFixed(1)} → cascade at ${CNN_TRUSTED_CONFIDENCE} ${mean(ms.shipped).toFixed(1)} / ${median(ms.shipped).toFixed(1)} (${(100 * (mean(ms.shipped) / mean(ms.off) - 1)).toFixed(0)} %); same reading ${agree}/${reads.length}; load after ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
