/**
 * Writes procedurally drawn flame sprites for training augmentation, using the very renderer the
 * demo street uses (packages/synthetic/src/procedural-flame.ts), so the model has seen it.
 * Output: raw uint8 [count, height, width, 4] RGBA, row-major. Usage:
 *   npx tsx models/training/fire/render-flames.ts <out.bin> [count] [width] [height]
 */
import { writeFileSync } from "node:fs";
import { renderFlame } from "@vigil/synthetic";

const [out, countArg = "240", widthArg = "64", heightArg = "96"] = process.argv.slice(2);
if (!out) {
  console.error("usage: render-flames.ts <out.bin> [count] [width] [height]");
  process.exit(2);
}
const count = Number(countArg);
const width = Number(widthArg);
const height = Number(heightArg);
const sprites: Buffer[] = [];
for (let i = 0; i < count; i += 1) {
  // 4 animation instants per seed: different shapes of the same flame.
  sprites.push(renderFlame(width, height, (i % 4) * 0.37 + Math.floor(i / 4) * 0.11, 1000 + Math.floor(i / 4)));
}
writeFileSync(out, Buffer.concat(sprites));
console.log(`wrote ${count} flame sprites ${width}x${height} to ${out}`);
