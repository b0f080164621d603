/**
 * Colour statistics of the fire chain's fire candidates on TRAINING data only (the cctv-train clips and the
 * calib photos), to choose the flame-colour gate (services/inference/src/fire/flame-colour.ts) without looking
 * at any held-out footage. For every fire candidate the chain scores at or above the sustained floor it prints
 * the share of flame-coloured pixels in its box, split by truth (inside a labelled fire window / on a fire photo,
 * or on fire-free footage / a normal photo).
 *   npx tsx models/training/fire/colour-stats.ts [--fps 2] [--out stats.json]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VigilFireChainDetector, SUSTAINED_FIRE_FLOOR_SHARE } from "../../../services/inference/src/detectors/fire-vigil-chain.js";
import { decodeImage } from "../../../services/inference/src/image/rgb-image.js";
import { flameColourShare } from "../../../services/inference/src/fire/flame-colour.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const fps = Number(opt("fps", "2"));
const outFile = opt("out", "");
const datasets = join(import.meta.dirname, "../../../../shared/datasets");
const splits = join(import.meta.dirname, "splits");

const chain = new VigilFireChainDetector();
await chain.load({ modelsDir: "", threads: 2 });
const floor = chain.threshold("fire") * SUSTAINED_FIRE_FLOOR_SHARE;

interface Row { source: string; truth: "fire" | "none"; confidence: number; share: number }
const rows: Row[] = [];

async function score(bytes: Buffer, source: string, truth: "fire" | "none") {
  const image = await decodeImage(bytes);
  for (const d of await chain.scored(image)) {
    if (d.label !== "fire" || d.confidence < floor) continue;
    rows.push({ source, truth, confidence: d.confidence, share: flameColourShare(image, d.bbox) });
  }
}

// Labelled fire windows of the training clips.
const labels = readFileSync(join(datasets, "cctv-video/labels.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
const fireWindows = (file: string) => labels.filter((l) => l[0] === file && l[1] === "fire").map((l) => [Number(l[2]), Number(l[3])] as const);
for (const clip of readFileSync(join(splits, "cctv-train.txt"), "utf8").split("\n").filter(Boolean)) {
  const dir = mkdtempSync(join(tmpdir(), "colour-stats-"));
  execFileSync("ffmpeg", ["-v", "error", "-i", join(datasets, "cctv-video", clip), "-vf", `fps=${fps}`, "-q:v", "3", join(dir, "%05d.jpg")]);
  const windows = fireWindows(clip);
  for (const f of readdirSync(dir).sort()) {
    const t = (Number(f.slice(0, 5)) - 1) / fps;
    const inFire = windows.some(([a, b]) => t >= a && t <= b);
    // Fire clips: frames outside the labelled window are left out (smoke, aftermath), not counted as negatives.
    if (windows.length > 0 && !inFire) continue;
    await score(readFileSync(join(dir, f)), clip, inFire ? "fire" : "none");
  }
  rmSync(dir, { recursive: true, force: true });
}
// The calib photos: fire-smoke photos with a fire box and fire-vs-normal fire are fire; fire-vs-normal normal is none.
for (const rel of readFileSync(join(splits, "calib.txt"), "utf8").split("\n").filter(Boolean)) {
  let truth: "fire" | "none" | null = null;
  if (rel.startsWith("fire-vs-normal/normal")) truth = "none";
  else if (rel.startsWith("fire-vs-normal/fire")) truth = "fire";
  else {
    const label = rel.replace("/images/", "/labels/").replace(/\.[a-z]+$/i, ".txt");
    try {
      truth = readFileSync(join(datasets, label), "utf8").split("\n").some((l) => l.trim().startsWith("0 ")) ? "fire" : null;
    } catch {
      truth = null;
    }
  }
  if (truth) await score(readFileSync(join(datasets, rel)), rel.split("/").slice(0, 2).join("/"), truth);
}
await chain.close();

const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return [0, 0.02, 0.05, 0.1, 0.25, 0.5].map((q) => s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3) : "-").join(" ");
};
const threshold = chain.threshold("fire");
for (const truth of ["fire", "none"] as const) {
  for (const path of ["detection", "candidate"] as const) {
    const xs = rows.filter((r) => r.truth === truth && (path === "detection" ? r.confidence >= threshold : r.confidence < threshold)).map((r) => r.share);
    console.log(`${truth} ${path}: n=${xs.length} share quantiles (0,2,5,10,25,50 %): ${quantiles(xs)}`);
  }
}
for (const gate of [0.01, 0.02, 0.03, 0.05, 0.08, 0.1]) {
  const kept = (truth: string) => rows.filter((r) => r.truth === truth && r.share >= gate).length / Math.max(1, rows.filter((r) => r.truth === truth).length);
  console.log(`gate ${gate}: fire candidates kept ${(kept("fire") * 100).toFixed(1)} %, fire-free candidates kept ${(kept("none") * 100).toFixed(1)} %`);
}
const bySource = new Map<string, number>();
for (const r of rows.filter((r) => r.truth === "none")) bySource.set(r.source, (bySource.get(r.source) ?? 0) + 1);
console.log("fire-free candidates by source:", Object.fromEntries(bySource));
if (outFile) writeFileSync(outFile, JSON.stringify(rows));
