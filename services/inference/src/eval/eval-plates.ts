import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { frameScaleFilter, parsePlate, parsePpmHeader, pixelByteLength } from "@vigil/contracts";
import { PlateYoloDetector } from "../detectors/plate-yolo.js";
import { decodeImage, type RgbImage } from "../image/rgb-image.js";
import { Yuv420Image } from "../image/yuv420-image.js";
import { CnnPlateReader } from "../ocr/cnn-plate-reader.js";
import { PaddleRecognizer } from "../ocr/paddle-recognizer.js";
import { decodePlate } from "../plates/plate-decode.js";
import { splitPlateLines } from "../plates/plate-layout.js";
import { PlateReader, type PlateReading } from "../plates/plate-reader.js";
import { iou } from "../tracking/iou.js";
import { votePlate } from "../tracking/plate-vote.js";
import { loadEvalEnv } from "./env.js";
import { frameImagePath, loadCropSamples, loadFrameBoxes, loadFrameLabels, sortFrames } from "./plate-datasets.js";

/**
 * `npm run eval:plates`: (a) OCR exact-match on the plate crops by kind, with the labels we believe
 * wrong listed; (b) end to end on real frames: detection recall against the YOLO boxes, exact read
 * rate per frame and after voting over each plate's track; per-stage timings.
 */
const env = loadEvalEnv();

/** A frame as EVAL_PLATE_FRAMES says: the file decoded, or what ingest's ffmpeg arguments make of it (ffmpeg-args.ts). */
async function loadFrame(file: string): Promise<RgbImage> {
  if (env.EVAL_PLATE_FRAMES === "file") return decodeImage(await readFile(file));
  const yuv = env.EVAL_PLATE_FRAMES === "ingest-yuv420";
  const out = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-vf", frameScaleFilter(1280, env.EVAL_INGEST_SCALER), ...(yuv ? ["-c:v", "pgmyuv"] : ["-pix_fmt", "rgb24", "-c:v", "ppm"]), "-f", "image2pipe", "pipe:1"], { maxBuffer: 1 << 26 });
  const header = parsePpmHeader(out);
  if (header === "incomplete") throw new Error(`ffmpeg gave no picture for ${file}`);
  const pixels = out.subarray(header.headerLength, header.headerLength + pixelByteLength(header.format, header.width, header.height)!);
  return header.format === "yuv420" ? new Yuv420Image(pixels, header.width, header.height) : { data: pixels, width: header.width, height: header.height };
}
const load = { modelsDir: env.MODELS_DIR, threads: env.ONNX_THREADS };
const recognizer = new PaddleRecognizer();
const cnn = new CnnPlateReader();
const detector = new PlateYoloDetector();
await recognizer.load(load);
try {
  await detector.load(load);
} catch (err) {
  console.error(`The plate detector is not in MODELS_DIR=${env.MODELS_DIR} (${(err as Error).message}).\nRun \`npm run models\`, or point MODELS_DIR at a folder holding plate-detector-yolo-vn-640.onnx (e.g. MODELS_DIR=../shared/models).`);
  process.exit(2);
}
const cnnAvailable = await cnn.load(load).then(
  () => true,
  () => false,
);
const reader = new PlateReader(recognizer, cnnAvailable ? { second: cnn } : {});

const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]! : 0);
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : "-");

// (a) crops
const samples = (await loadCropSamples(env.DATASETS_DIR)).filter((_, i) => i % env.EVAL_CROP_STRIDE === 0);
const byKind = new Map<string, { n: number; exact: number; suspect: number; exactClean: number }>();
const suspects: string[] = [];
const errors: string[] = [];
const ocrMs: number[] = [];
for (const s of samples) {
  const crop = await decodeImage(await readFile(s.file));
  const t0 = performance.now();
  const r = await reader.readCrop(crop);
  ocrMs.push(performance.now() - t0);
  const k = byKind.get(s.kind) ?? { n: 0, exact: 0, suspect: 0, exactClean: 0 };
  byKind.set(s.kind, k);
  k.n++;
  if (r.plate === s.label) {
    k.exact++;
    k.exactClean++;
    continue;
  }
  // A label is suspect when it is no valid plate, or when both readers (different models), each on
  // its own, agree on another valid text.
  const labelValid = parsePlate(s.label, { rows: r.rows }).valid;
  let second = "";
  if (cnnAvailable) second = decodePlate([(await cnn.read([crop]))[0]!]).plate;
  const firstAlone = r.reader === "paddle" ? r.plate : decodePlate(await recognizer.readLines(splitPlateLines(crop).lines)).plate;
  const suspect = !labelValid || (r.valid && second === r.plate && firstAlone === r.plate);
  if (suspect) {
    k.suspect++;
    suspects.push(`${path.basename(s.file)}\t${s.kind}\tlabel ${s.label}\tread ${r.plate}${labelValid ? "" : " (label is no valid plate)"}`);
  } else errors.push(`${path.basename(s.file)}\t${s.kind}\tlabel ${s.label}\tread ${r.plate}\traw ${r.raw}\tconf ${r.confidence.toFixed(2)}`);
}

console.log(`\n(a) OCR exact match on vn-plate-crops (PaddleOCR rec + format-aware decoding${cnnAvailable ? ", CNN reader as second opinion" : ""})`);
console.log("kind               crops   exact vs label    suspect labels   exact, suspect labels excluded");
let totals = { n: 0, exact: 0, suspect: 0, exactClean: 0 };
for (const [kind, k] of [...byKind.entries()].sort()) {
  totals = { n: totals.n + k.n, exact: totals.exact + k.exact, suspect: totals.suspect + k.suspect, exactClean: totals.exactClean + k.exactClean };
  console.log(`${kind.padEnd(18)} ${String(k.n).padStart(5)}   ${pct(k.exact, k.n).padStart(14)}   ${String(k.suspect).padStart(14)}   ${pct(k.exactClean, k.n - k.suspect).padStart(12)}`);
}
console.log(`${"all".padEnd(18)} ${String(totals.n).padStart(5)}   ${pct(totals.exact, totals.n).padStart(14)}   ${String(totals.suspect).padStart(14)}   ${pct(totals.exactClean, totals.n - totals.suspect).padStart(12)}`);
console.log(`OCR per crop: median ${median(ocrMs).toFixed(1)} ms`);
console.log(`\nLabels believed wrong (${suspects.length}): the label is no valid plate, or both readers agree on another valid plate`);
for (const s of suspects) console.log(`  ${s}`);
if (env.EVAL_LIST_ERRORS) {
  console.log(`\nReading errors (${errors.length})`);
  for (const e of errors) console.log(`  ${e}`);
}

// (b) frames
const frames = sortFrames((await readdir(path.join(env.DATASETS_DIR, "vn-plate-frames", "images"))).filter((f) => f.endsWith(".jpg")).map((f) => f.replace(/\.jpg$/, "")));
const labels = await loadFrameLabels(env.DATASETS_DIR);
let boxes = 0;
let found = 0;
let unmatchedAtEdge = 0;
const unmatchedInside: string[] = [];
let labelled = 0;
let readRight = 0;
const detectMs: number[] = [];
const readMs: number[] = [];
const decodeMs: number[] = [];
// The dataset's frames are sparse snapshots (vehicles jump between frames), so the "track" of a
// plate here is its labelled identity: the voting is what is measured, the tracker has unit tests.
const byPlate = new Map<string, PlateReading[]>();
const frameErrors: string[] = [];
for (const frame of frames) {
  const t0 = performance.now();
  const image = await loadFrame(frameImagePath(env.DATASETS_DIR, frame));
  const t1 = performance.now();
  const detections = await detector.detect(image);
  const t2 = performance.now();
  decodeMs.push(t1 - t0);
  detectMs.push(t2 - t1);
  const truth = await loadFrameBoxes(env.DATASETS_DIR, frame);
  boxes += truth.length;
  const matchedDet = new Set<number>();
  for (const t of truth) {
    const j = detections.findIndex((d, k) => !matchedDet.has(k) && iou(d.bbox, t) >= 0.3);
    if (j >= 0) {
      found++;
      matchedDet.add(j);
    }
  }
  detections.forEach((d, k) => {
    if (matchedDet.has(k)) return;
    const [x, y, w, h] = d.bbox;
    if (x < 0.01 || y < 0.01 || x + w > 0.99 || y + h > 0.99) unmatchedAtEdge++;
    else unmatchedInside.push(`${frame} [${d.bbox.map((v) => v.toFixed(2)).join(", ")}] score ${d.confidence.toFixed(2)}`);
  });
  const reads = [];
  for (const d of detections) {
    const r0 = performance.now();
    const r = await reader.readBox(image, d.bbox);
    readMs.push(performance.now() - r0);
    reads.push({ bbox: d.bbox, plate: r.plate, reading: r });
  }
  for (const l of labels.filter((x) => x.frame === frame && x.legible)) {
    labelled++;
    const best = reads.map((r) => ({ r, o: iou(r.bbox, l.bbox) })).sort((a, b) => b.o - a.o)[0];
    if (best && best.o >= 0.3) {
      byPlate.set(l.plate, [...(byPlate.get(l.plate) ?? []), best.r.reading]);
      if (best.r.plate === l.plate) readRight++;
      else frameErrors.push(`${frame} box ${l.boxIndex}: label ${l.plate}, read ${best.r.plate}`);
    } else frameErrors.push(`${frame} box ${l.boxIndex}: label ${l.plate}, not detected`);
  }
}
const plates = new Map<string, boolean>();
for (const [plate, readings] of byPlate) plates.set(plate, votePlate(readings)?.plate === plate);

console.log("\n(b) End to end on vn-plate-frames (YOLO plate detector → crop → OCR)");
console.log(`frames ${frames.length}; labelled boxes ${boxes}`);
console.log(`detection recall vs YOLO boxes     ${found}/${boxes} = ${pct(found, boxes)}`);
console.log(`detections without a box           ${unmatchedAtEdge} touching the frame edge (the boxes omit cut-off plates), ${unmatchedInside.length} inside the frame:`);
for (const u of unmatchedInside) console.log(`  ${u}`);
console.log(`exact read, single frame          ${readRight}/${labelled} = ${pct(readRight, labelled)}   (legible labelled boxes)`);
const votedRight = [...plates.values()].filter(Boolean).length;
console.log(`exact read after voting per track  ${votedRight}/${plates.size} distinct plates = ${pct(votedRight, plates.size)}`);
for (const e of frameErrors) console.log(`  ${e}`);
for (const [plate, ok] of plates) if (!ok) console.log(`  voting did not settle on ${plate}`);
console.log(`\nPer stage (median): decode ${median(decodeMs).toFixed(1)} ms/frame (1920×1080 JPEG${env.EVAL_PLATE_FRAMES === "file" ? "" : `, through ffmpeg as ${env.EVAL_PLATE_FRAMES}`}), detect ${median(detectMs).toFixed(1)} ms/frame, read ${median(readMs).toFixed(1)} ms/plate`);
await Promise.all([recognizer.close(), detector.close(), cnn.close()]);
