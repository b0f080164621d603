/**
 * Runs the grid model (the first stage of the fire chain) over a list of images at a low
 * threshold and writes every candidate region, for the verifier's training set: what the grid
 * fires on in fire-free footage is exactly the hard negative the verifier has to learn to reject.
 * The same TypeScript/onnxruntime path as the service, so the candidates are the ones it sees.
 *   npx tsx models/training/fire/mine-candidates.ts <list.txt> <out.jsonl> [threshold]
 * list.txt: one image path per line. out.jsonl: one line per image
 *   { file, width, height, candidates: [{ label, confidence, bbox: [x,y,w,h] 0..1 }] }
 */
import { createWriteStream, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { VigilFireGridDetector } from "../../../services/inference/src/detectors/fire-vigil-grid.js";
import { decodeImage } from "../../../services/inference/src/image/rgb-image.js";

const [listFile, outFile, thresholdArg = "0.3"] = process.argv.slice(2);
if (!listFile || !outFile) {
  console.error("usage: mine-candidates.ts <list.txt> <out.jsonl> [threshold]");
  process.exit(2);
}
const threshold = Number(thresholdArg);
const files = readFileSync(listFile, "utf8").split("\n").filter(Boolean);
const grid = new VigilFireGridDetector({ thresholds: { fire: threshold, smoke: threshold } });
await grid.load({ modelsDir: "", threads: 2 });
const out = createWriteStream(outFile);
let done = 0;
for (const file of files) {
  // The service's decoder (no EXIF rotation, like PIL's Image.open in train_verifier.py, which cuts the crops).
  const image = await decodeImage(await readFile(file));
  const candidates = await grid.detect(image);
  out.write(`${JSON.stringify({ file, width: image.width, height: image.height, candidates })}\n`);
  done += 1;
  if (done % 500 === 0) console.log(`mine-candidates: ${done}/${files.length}`);
}
await new Promise<void>((resolve) => out.end(resolve));
await grid.close();
console.log(`mine-candidates: ${files.length} images → ${outFile}`);
