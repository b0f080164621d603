/**
 * train_verifier.py --quantize's int8 path, run on the shipped verifier: qdq.py makes the QDQ model from activation
 * ranges that verifier-onnx.ts measures with onnxruntime, and verifier-onnx.ts reads the result back. Real crops of
 * two cctv-train clips (training data, not held out): a bonfire and a street.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";

const HERE = import.meta.dirname;
const REPO = path.resolve(HERE, "../../..");
const VERIFIER = path.join(REPO, "models/fire/vigil-fire-verifier.onnx");
const SIZE = (JSON.parse(readFileSync(VERIFIER.replace(/\.onnx$/, ".json"), "utf8")) as { input: { size: number } }).input.size;
const CLIPS = ["fire/fire09_bonfire_closeup.mp4", "negatives/neg13_intersection_cctv_day.mp4"].map((c) => path.resolve(REPO, "../shared/datasets/cctv-video", c));
const hasOnnx = (() => {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import onnx"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** 4 frames of each clip, 4 squares of each frame, resized to the verifier's input: SIZE × SIZE × 3 bytes each. */
async function realCrops(): Promise<Buffer[]> {
  const crops: Buffer[] = [];
  for (const clip of CLIPS) {
    const raw = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", clip, "-vf", "fps=1,scale=1280:720", "-frames:v", "4", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"], { maxBuffer: 64 << 20 });
    for (let f = 0; f * 1280 * 720 * 3 < raw.length; f++) {
      const frame = raw.subarray(f * 1280 * 720 * 3, (f + 1) * 1280 * 720 * 3);
      for (const [left, top, side] of [[100, 80, 320], [500, 200, 400], [860, 300, 360], [300, 420, 240]] as const) {
        crops.push(await sharp(frame, { raw: { width: 1280, height: 720, channels: 3 } }).extract({ left, top, width: side, height: side }).resize(SIZE, SIZE).raw().toBuffer());
      }
    }
  }
  return crops;
}

const work = mkdtempSync(path.join(tmpdir(), "vigil-int8-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const qdq = (...a: string[]) => execFileSync("/usr/bin/python3", [path.join(REPO, "models/training/qdq.py"), ...a, "--input", "crops"], { encoding: "utf8" });
const runner = (...a: string[]) => execFileSync("npx", ["tsx", path.join(HERE, "verifier-onnx.ts"), ...a], { cwd: REPO, encoding: "utf8" });

describe.skipIf(!hasOnnx || !CLIPS.every(existsSync))("int8 verifier (qdq.py + verifier-onnx.ts)", () => {
  it("quantizes the verifier's convolutions and keeps its probabilities on unseen crops within a few hundredths", async () => {
    const crops = await realCrops();
    expect(crops).toHaveLength(32);
    // Ranges from every other crop; the rest are compared.
    const activation = crops.filter((_, i) => i % 2 === 0), compared = crops.filter((_, i) => i % 2 === 1);
    writeFileSync(path.join(work, "act.u8"), Buffer.concat(activation));
    writeFileSync(path.join(work, "cmp.u8"), Buffer.concat(compared));
    const exposed = path.join(work, "exposed.onnx"), names = path.join(work, "names.json"), stats = path.join(work, "stats.json"), int8 = path.join(work, "int8.onnx");
    qdq("expose", VERIFIER, exposed, names);
    expect((JSON.parse(readFileSync(names, "utf8")) as string[]).length).toBeGreaterThan(50);
    runner("stats", exposed, names, path.join(work, "act.u8"), String(SIZE), stats);
    const st = JSON.parse(readFileSync(stats, "utf8")) as { crops: number; stats: Record<string, { min: number; max: number; hist: number[] }> };
    expect(st.crops).toBe(16);
    expect(Object.values(st.stats).every((s) => s.max >= s.min && s.hist.reduce((a, b) => a + b, 0) > 0)).toBe(true);
    expect(qdq("quantize", VERIFIER, stats, int8, "--method", "p99.99")).toMatch(/quantized \d+ activations, 52 convs/);
    // int8 weights: the file is well under half the float one.
    expect(readFileSync(int8).length).toBeLessThan(readFileSync(VERIFIER).length / 2);

    const probs = (model: string) => {
      const out = path.join(work, `${path.basename(model)}.f32`);
      runner("probs", model, path.join(work, "cmp.u8"), String(SIZE), out);
      const b = readFileSync(out);
      return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
    };
    const fp32 = probs(VERIFIER), q = probs(int8);
    expect(q).toHaveLength(32);
    const diffs = Array.from(fp32, (v, i) => Math.abs(v - q[i]!));
    const fireOf = (p: Float32Array) => Array.from(p).filter((_, i) => i % 2 === 0);
    // The bonfire crops are fire to the float verifier, and stay so: the comparison is not between two constant outputs.
    expect(Math.max(...fireOf(fp32))).toBeGreaterThan(0.5);
    expect(Math.min(...fireOf(fp32))).toBeLessThan(0.2);
    // Ranges from 16 crops only (the training script takes 512): measured mean 0.033, largest 0.16.
    expect(diffs.reduce((a, b) => a + b, 0) / diffs.length).toBeLessThan(0.05);
    expect(Math.max(...diffs)).toBeLessThan(0.2);
    // The crop the float model finds most fire-like is the int8 model's too.
    const top = (v: number[]) => v.indexOf(Math.max(...v));
    expect(top(fireOf(q))).toBe(top(fireOf(fp32)));
  }, 120_000);
});
