/**
 * How much a plate's reading depends on its box (#20): the 640² detector's boxes on vn-plate-frames moved by one
 * source pixel (1920×1080) left, right, up and down, each read again through PlateReader as the service reads it.
 * The yardstick for eval:plates' single-frame exact reads when a change moves the boxes a little (the 640×384
 * input: 32/34 → 31/34); nothing is tuned on it.
 *   npx tsx bench/plate-read-jitter.ts
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PlateYoloDetector } from "../services/inference/src/detectors/plate-yolo.js";
import { decodeImage } from "../services/inference/src/image/rgb-image.js";
import { CnnPlateReader } from "../services/inference/src/ocr/cnn-plate-reader.js";
import { PaddleRecognizer } from "../services/inference/src/ocr/paddle-recognizer.js";
import { PlateReader } from "../services/inference/src/plates/plate-reader.js";
import { iou } from "../services/inference/src/tracking/iou.js";
import { loadFrameLabels } from "../services/inference/src/eval/plate-datasets.js";

const MODELS_DIR = process.env.MODELS_DIR ?? "../shared/models";
const DATASETS = process.env.DATASETS_DIR ?? "../shared/datasets";
const load = { modelsDir: MODELS_DIR, threads: 1 };
const recognizer = new PaddleRecognizer();
const cnn = new CnnPlateReader();
const square = new PlateYoloDetector({ rectInput: false });
await recognizer.load(load);
await cnn.load(load);
await square.load(load);
const reader = new PlateReader(recognizer, { second: cnn });
const labels = await loadFrameLabels(DATASETS);
const dir = path.join(DATASETS, "vn-plate-frames/images");

const shifts: Array<[number, number]> = [[1, 0], [-1, 0], [0, 1], [0, -1]];
let boxes = 0;
const changed = shifts.map(() => 0);
/** Legible labelled boxes, and how many of them read exactly as detected and per shift. */
const exact = { labelled: 0, asDetected: 0, shifted: shifts.map(() => 0) };
for (const f of readdirSync(dir).filter((x) => x.endsWith(".jpg")).sort()) {
  const img = await decodeImage(readFileSync(path.join(dir, f)));
  for (const d of await square.detect(img)) {
    const base = await reader.readBox(img, d.bbox);
    boxes++;
    const label = labels.find((x) => x.frame === f.replace(".jpg", "") && x.legible && iou(x.bbox, d.bbox) >= 0.3);
    if (label) {
      exact.labelled++;
      if (base.plate === label.plate) exact.asDetected++;
    }
    for (let k = 0; k < shifts.length; k++) {
      const [dx, dy] = shifts[k]!;
      const b = [d.bbox[0] + dx / img.width, d.bbox[1] + dy / img.height, d.bbox[2], d.bbox[3]] as [number, number, number, number];
      const r = await reader.readBox(img, b);
      if (r.plate !== base.plate) changed[k]!++;
      if (label && r.plate === label.plate) exact.shifted[k]!++;
    }
  }
}
console.log(`${boxes} boxes read; reads changed by a 1-px shift (right, left, down, up): ${changed.join(", ")} (${changed.map((c) => ((100 * c) / boxes).toFixed(0)).join(", ")} %)`);
console.log(`legible labelled boxes read exactly: ${exact.asDetected}/${exact.labelled} as detected; shifted: ${exact.shifted.join(", ")}`);
