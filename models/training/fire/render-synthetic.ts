/**
 * Frames of the demo's synthetic street (packages/synthetic/src) for training: the cartoon
 * street has yellow helmets and large flat grey road that a model trained only on photos mistakes
 * for fire and smoke, and its drawn fire must be recognised. Renders short clips for the given
 * seeds (every other one with a fire segment), decodes them at 256×256 and writes
 *   <out>.bin  raw uint8 [N, 256, 256, 3] RGB
 *   <out>.json [{ seed, tS, fireBox: [x, y, w, h] | null }] per frame (box normalised)
 * Usage: npx tsx models/training/fire/render-synthetic.ts <out-prefix> <seed> [seed...]
 * Seed 1 (the demo's default) is never used here so the demo check stays held out.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateStreetVideo } from "@vigil/synthetic";

const [outPrefix, ...seedArgs] = process.argv.slice(2);
if (!outPrefix || seedArgs.length === 0) {
  console.error("usage: render-synthetic.ts <out-prefix> <seed> [seed...]");
  process.exit(2);
}
const SIZE = 256;
const SAMPLE_FPS = 3;
const dir = mkdtempSync(path.join(os.tmpdir(), "vigil-synthetic-"));
const frames: Buffer[] = [];
const labels: Array<{ seed: number; tS: number; fireBox: [number, number, number, number] | null }> = [];
try {
  for (const [i, seedArg] of seedArgs.entries()) {
    const seed = Number(seedArg);
    if (seed === 1) throw new Error("seed 1 is the held-out demo seed");
    const withFire = i % 2 === 0;
    const { truth, video } = await generateStreetVideo({
      seed,
      out: path.join(dir, `s${seed}.mp4`),
      durationS: 14,
      fps: 12,
      width: 1280,
      height: 720,
      ...(withFire ? { fire: { startS: 4, endS: 12 } } : {}),
    });
    const decoded = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", video, "-vf", `fps=${SAMPLE_FPS},scale=${SIZE}:${SIZE}`, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], {
      maxBuffer: 1 << 30,
    });
    if (decoded.status !== 0) throw new Error(`ffmpeg failed: ${decoded.stderr.toString()}`);
    const n = Math.floor(decoded.stdout.length / (SIZE * SIZE * 3));
    for (let k = 0; k < n; k += 1) {
      const tS = k / SAMPLE_FPS;
      frames.push(decoded.stdout.subarray(k * SIZE * SIZE * 3, (k + 1) * SIZE * SIZE * 3));
      // The drawn fire grows in over its first second: only count it once it is half grown.
      const fire = truth.fire && tS >= truth.fire.startS + 0.5 && tS < truth.fire.endS ? truth.fire.box : null;
      labels.push({ seed, tS, fireBox: fire });
    }
    console.log(`seed ${seed}: ${n} frames${withFire ? ` (fire ${truth.fire?.startS}-${truth.fire?.endS} s)` : ""}`);
  }
  writeFileSync(`${outPrefix}.bin`, Buffer.concat(frames));
  writeFileSync(`${outPrefix}.json`, JSON.stringify(labels));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
