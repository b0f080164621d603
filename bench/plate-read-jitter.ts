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
const rec = new PaddleRecognizer(); const cnn = new CnnPlateReader(); await rec.load(load); await cnn.load(load);
const reader = new PlateReader(rec, { second: cnn });
const sq = new PlateYoloDetector({ rectInput: false }); await sq.load(load);
const labels = await loadFrameLabels(DATASETS);
const dir = path.join(DATASETS, "vn-plate-frames/images");

const shifts: Array<[number, number]> = [[1, 0], [-1, 0], [0, 1], [0, -1]];
let n = 0; const changed = shifts.map(() => 0); const right = { base: 0, shift: shifts.map(() => 0), lab: 0 };
for (const f of readdirSync(dir).filter((x) => x.endsWith(".jpg")).sort()) {
  const img = await decodeImage(readFileSync(path.join(dir, f)));
  for (const d of await sq.detect(img)) {
    const base = await reader.readBox(img, d.bbox); n++;
    const l = labels.find((x) => x.frame === f.replace(".jpg", "") && x.legible && iou(x.bbox, d.bbox) >= 0.3);
    if (l) { right.lab++; if (base.plate === l.plate) right.base++; }
    for (let k = 0; k < shifts.length; k++) {
      const [dx, dy] = shifts[k]!;
      const b = [d.bbox[0] + dx / img.width, d.bbox[1] + dy / img.height, d.bbox[2], d.bbox[3]] as [number, number, number, number];
      const r = await reader.readBox(img, b);
      if (r.plate !== base.plate) changed[k]!++;
      if (l && r.plate === l.plate) right.shift[k]!++;
    }
  }
}
console.log(`${n} boxes read; reads changed by a 1-px shift (right, left, down, up): ${changed.join(", ")} (${changed.map((c) => ((100 * c) / n).toFixed(0)).join(", ")} %)`);
console.log(`legible labelled boxes read exactly: ${right.base}/${right.lab} as detected; shifted: ${right.shift.join(", ")}`);
