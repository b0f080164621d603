/**
 * Renders the demo generator's synthetic street clips (full 1280×720, as a demo camera gives them)
 * with their ground truth, for the verifier's training set: the demo's cartoon street must not
 * fool the chain and its drawn fire must pass it.
 *   npx tsx models/training/fire/synthetic-clips.ts <out-dir> <seed> [seed...]
 * Writes s<seed>.mp4 and s<seed>.json ({ fire: { startS, endS, box } | undefined, ... }).
 * Seed 1 (the demo's default) is never used here so the demo check stays held out.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { generateStreetVideo } from "@vigil/synthetic";

const [outDir, ...seedArgs] = process.argv.slice(2);
if (!outDir || seedArgs.length === 0) {
  console.error("usage: synthetic-clips.ts <out-dir> <seed> [seed...]");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
for (const [i, seedArg] of seedArgs.entries()) {
  const seed = Number(seedArg);
  if (seed === 1) throw new Error("seed 1 is the held-out demo seed");
  await generateStreetVideo({
    seed,
    out: path.join(outDir, `s${seed}.mp4`),
    truthOut: path.join(outDir, `s${seed}.json`),
    durationS: 14,
    fps: 12,
    width: 1280,
    height: 720,
    ...(i % 2 === 0 ? { fire: { startS: 4, endS: 12 } } : {}),
  });
  console.log(`synthetic-clips: seed ${seed}`);
}
