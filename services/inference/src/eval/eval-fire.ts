/**
 * `npm run eval:fire` — Vigil's fire model against the shared YOLOv8n baseline, on held-out
 * images only (models/training/fire/splits/test.txt: all of fire-smoke/val plus 30 % of
 * fire-vs-normal), then the video check. Prints a markdown table.
 *
 * Options: --datasets DIR (default ../shared/datasets), --models DIR holding the baseline
 * (default ../shared/models), --threads N (default 2), e.g. `npm run eval:fire -- --threads 1`;
 * --split calib runs the same table on the calib split instead (for choosing anything: checking a retrained
 * grid against the verifier's calibration; no street frames, no video check, no baseline); --grid PATH runs
 * the chain and the grid with another grid model (e.g. a candidate from train.py --out), --verifier PATH the chain
 * with another crop verifier (train_verifier.py --out).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { z } from "zod";
import type { Detector, RgbImage } from "../detectors/detector.js";
import { VigilFireChainDetector } from "../detectors/fire-vigil-chain.js";
import { VigilFireGridDetector } from "../detectors/fire-vigil-grid.js";
import { YoloFireBaselineDetector } from "../detectors/fire-yolov8-baseline.js";
import { runFireVideoCheck } from "../fire/fire-video-check.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const { values: args } = parseArgs({
  options: {
    datasets: { type: "string", default: path.resolve(REPO, "../shared/datasets") },
    models: { type: "string", default: path.resolve(REPO, "../shared/models") },
    threads: { type: "string", default: "2" },
    split: { type: "string", default: "test" },
    grid: { type: "string" },
    verifier: { type: "string" },
  },
});
const split = z.enum(["test", "calib"]).parse(args.split);
const env = {
  DATASETS_DIR: args.datasets,
  MODELS_DIR: args.models,
  FIRE_EVAL_THREADS: z.coerce.number().int().min(1).max(64).parse(args.threads),
};

interface Truth {
  rel: string;
  fire: boolean;
  smoke: boolean;
  normal: boolean;
}

async function loadSplit(): Promise<Truth[]> {
  const rels = (await readFile(path.join(REPO, `models/training/fire/splits/${split}.txt`), "utf8")).split("\n").filter(Boolean);
  const out: Truth[] = [];
  for (const rel of rels) {
    if (rel.startsWith("fire-vs-normal/")) {
      const normal = rel.startsWith("fire-vs-normal/normal/");
      out.push({ rel, fire: !normal, smoke: false, normal });
      continue;
    }
    const label = await readFile(path.join(env.DATASETS_DIR, rel.replace("/images/", "/labels/").replace(/\.[^.]+$/, ".txt")), "utf8");
    const classes = new Set(label.split("\n").filter((l) => l.trim()).map((l) => l.trim().split(/\s+/)[0]));
    out.push({ rel, fire: classes.has("0"), smoke: classes.has("1"), normal: false });
  }
  return out;
}

async function decode(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file).rotate().removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

interface ModelResult {
  name: string;
  fireRecall: number;
  fireRecallFireSmoke: number;
  fireRecallFireVsNormal: number;
  smokeRecall: number;
  fireFpr: number;
  smokeFpr: number;
  msMean: number;
  msP95: number;
  counts: { fire: number; smoke: number; normal: number };
  /** Real street/parking frames with no fire (vn-plate-frames images + street): any fire or smoke is false. */
  streetFpr: number;
  streetFireFp: number;
  streetSmokeFp: number;
  streetN: number;
  /** Hard negatives (fire-vs-normal/normal) with any fire or smoke detection. */
  anyFpr: number;
  /** Chain only: per image, the best fused score per label before the verifier threshold (for the threshold curve). */
  scores?: ImageScores[];
}

interface ImageScores {
  kind: "fire" | "smoke" | "fire+smoke" | "normal" | "other" | "street";
  fire: number;
  smoke: number;
}

/** Best score per label among a chain's verified candidates (0 when the grid proposed none). */
async function chainScores(chain: VigilFireChainDetector, image: RgbImage): Promise<{ fire: number; smoke: number }> {
  const scored = await chain.scored(image);
  const best = (label: string) => Math.max(0, ...scored.filter((d) => d.label === label).map((d) => d.confidence));
  return { fire: best("fire"), smoke: best("smoke") };
}

/** The held-out street negatives: vn-plate-frames/images and vn-plate-frames/street (never trained or tuned on). */
async function streetFrames(): Promise<string[]> {
  const out: string[] = [];
  for (const dir of ["vn-plate-frames/images", "vn-plate-frames/street"]) {
    for (const f of (await readdir(path.join(env.DATASETS_DIR, dir))).sort()) if (/\.(jpe?g|png)$/i.test(f)) out.push(path.join(dir, f));
  }
  return out;
}

const ratio = (hits: number, n: number) => (n > 0 ? hits / n : 0);

async function evaluate(detector: Detector, truths: Truth[]): Promise<ModelResult> {
  const times: number[] = [];
  let fireHit = 0, fireFsHit = 0, fireFvnHit = 0, smokeHit = 0, fireFp = 0, smokeFp = 0;
  let nFire = 0, nFireFs = 0, nFireFvn = 0, nSmoke = 0, nNormal = 0, anyFp = 0;
  const chain = detector instanceof VigilFireChainDetector ? detector : undefined;
  const scores: ImageScores[] = [];
  for (const t of truths) {
    const image = await decode(path.join(env.DATASETS_DIR, t.rel));
    const start = performance.now();
    const detections = await detector.detect(image);
    times.push(performance.now() - start);
    if (chain) {
      const kind = t.normal ? "normal" : t.fire && t.smoke ? "fire+smoke" : t.fire ? "fire" : t.smoke ? "smoke" : "other";
      scores.push({ kind, ...(await chainScores(chain, image)) });
    }
    const saysFire = detections.some((d) => d.label === "fire");
    const saysSmoke = detections.some((d) => d.label === "smoke");
    if (t.fire) {
      nFire += 1;
      fireHit += Number(saysFire);
      if (t.rel.startsWith("fire-smoke/")) {
        nFireFs += 1;
        fireFsHit += Number(saysFire);
      } else {
        nFireFvn += 1;
        fireFvnHit += Number(saysFire);
      }
    }
    if (t.smoke) {
      nSmoke += 1;
      smokeHit += Number(saysSmoke);
    }
    if (t.normal) {
      nNormal += 1;
      fireFp += Number(saysFire);
      smokeFp += Number(saysSmoke);
      anyFp += Number(saysFire || saysSmoke);
    }
  }
  let streetFp = 0, streetFireFp = 0, streetSmokeFp = 0;
  const street = split === "test" ? await streetFrames() : [];
  for (const rel of street) {
    const image = await decode(path.join(env.DATASETS_DIR, rel));
    const detections = await detector.detect(image);
    if (chain) scores.push({ kind: "street", ...(await chainScores(chain, image)) });
    const f = detections.some((d) => d.label === "fire"), sm = detections.some((d) => d.label === "smoke");
    streetFp += Number(f || sm);
    streetFireFp += Number(f);
    streetSmokeFp += Number(sm);
  }
  times.sort((a, b) => a - b);
  return {
    streetFpr: ratio(streetFp, street.length),
    streetFireFp,
    streetSmokeFp,
    streetN: street.length,
    anyFpr: ratio(anyFp, nNormal),
    ...(chain ? { scores } : {}),
    name: detector.name,
    fireRecall: ratio(fireHit, nFire),
    fireRecallFireSmoke: ratio(fireFsHit, nFireFs),
    fireRecallFireVsNormal: ratio(fireFvnHit, nFireFvn),
    smokeRecall: ratio(smokeHit, nSmoke),
    fireFpr: ratio(fireFp, nNormal),
    smokeFpr: ratio(smokeFp, nNormal),
    msMean: times.reduce((a, b) => a + b, 0) / times.length,
    msP95: times[Math.floor(times.length * 0.95)] ?? 0,
    counts: { fire: nFire, smoke: nSmoke, normal: nNormal },
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/** The chain's held-out figures at other verifier thresholds (reported only; thresholds are chosen on calib). */
function printThresholdCurve(scores: ImageScores[], calibrated: { fire: number; smoke: number }): void {
  const rate = (kinds: string[], hit: (s: ImageScores) => boolean) => {
    const sel = scores.filter((s) => kinds.includes(s.kind));
    return pct(ratio(sel.filter(hit).length, sel.length));
  };
  console.log(`\nChain threshold curve (${split === "test" ? "held out, reported only" : "calib split"}; calibrated thresholds in bold):\n`);
  console.log("| fire thr | smoke thr | fire recall | smoke recall | street any fire/smoke | hard negatives any fire/smoke |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const d of [-0.3, -0.2, -0.1, -0.05, 0, 0.03, 0.06]) {
    const tf = Math.min(0.99, Math.max(0.05, calibrated.fire + d)), ts = Math.min(0.99, Math.max(0.05, calibrated.smoke + d));
    const any = (s: ImageScores) => s.fire >= tf || s.smoke >= ts;
    const b = (v: string) => (d === 0 ? `**${v}**` : v);
    console.log(
      `| ${b(tf.toFixed(2))} | ${b(ts.toFixed(2))} | ${rate(["fire", "fire+smoke"], (s) => s.fire >= tf)} | ${rate(["smoke", "fire+smoke"], (s) => s.smoke >= ts)} | ${rate(["street"], any)} | ${rate(["normal"], any)} |`,
    );
  }
}

async function main(): Promise<void> {
  const truths = await loadSplit();
  const detectors: Detector[] = [new VigilFireChainDetector({ gridModelPath: args.grid, verifierModelPath: args.verifier }), new VigilFireGridDetector({ modelPath: args.grid })];
  if (split === "test") detectors.push(new YoloFireBaselineDetector());
  const results: ModelResult[] = [];
  for (const detector of detectors) {
    await detector.load({ modelsDir: env.MODELS_DIR, threads: env.FIRE_EVAL_THREADS });
    results.push(await evaluate(detector, truths));
    console.error(`evaluated ${detector.name}`);
  }
  const c = results[0]!.counts;
  console.log(`\n${split === "test" ? "Held-out test" : "Calib"} split${args.grid ? ` (grid ${args.grid})` : ""}${args.verifier ? ` (verifier ${args.verifier})` : ""}: ${truths.length} images (${c.fire} with fire, ${c.smoke} with smoke, ${c.normal} hard negatives from fire-vs-normal/normal)\n`);
  console.log(`| metric | ${results.map((r) => r.name).join(" | ")} |`);
  console.log(`| --- | ${results.map(() => "---").join(" | ")} |`);
  const row = (label: string, f: (r: ModelResult) => string) => console.log(`| ${label} | ${results.map(f).join(" | ")} |`);
  row("fire recall (image-level, all held-out fire)", (r) => pct(r.fireRecall));
  row("  fire recall on fire-smoke/val", (r) => pct(r.fireRecallFireSmoke));
  row("  fire recall on fire-vs-normal/fire", (r) => pct(r.fireRecallFireVsNormal));
  row("smoke recall (image-level)", (r) => pct(r.smokeRecall));
  row("fire false-positive rate on hard negatives", (r) => pct(r.fireFpr));
  row("smoke false-positive rate on hard negatives", (r) => pct(r.smokeFpr));
  row("hard negatives with any fire/smoke", (r) => pct(r.anyFpr));
  row("street frames with any fire/smoke (vn-plate-frames, held out)", (r) => `${pct(r.streetFpr)} (${r.streetFireFp} fire, ${r.streetSmokeFp} smoke of ${r.streetN})`);
  row("inference ms/frame, mean (incl. resize)", (r) => r.msMean.toFixed(1));
  row("inference ms/frame, p95", (r) => r.msP95.toFixed(1));
  console.log(
    "\nBox-level mAP50: not reported. Vigil's model is a grid classifier (24 × 14 cells of a 384 × 224 resize), its boxes are cell groups, so mAP50 against tight YOLO boxes measures the grid, not the model; image-level recall/FPR is the comparable figure for both.",
  );

  const chain = detectors[0] as VigilFireChainDetector;
  if (results[0]!.scores) printThresholdCurve(results[0]!.scores, { fire: chain.threshold("fire"), smoke: chain.threshold("smoke") });

  if (split !== "test") {
    for (const d of detectors) await d.close();
    return;
  }
  const video = await runFireVideoCheck(detectors[0]!, env.DATASETS_DIR, truths.map((t) => t.rel));
  console.log("\nVideo check (synthetic 12 s clip, real street photo + held-out real fire photo from 4.0 s, H.264, decoded at 2 fps, default confirmer):");
  console.log(`- with fire: first confirmed fire event at ${video.withFire.firstEventS?.toFixed(1) ?? "never"} s → latency ${video.withFire.latencyS?.toFixed(1) ?? "n/a"} s (target ≤ 5 s); new events: ${video.withFire.events}`);
  console.log(`- same clip without the fire: ${video.withoutFire.events} fire events (target 0), ${video.withoutFire.smokeEvents} smoke events; smoke events in the clip with fire: ${video.smokeEventsWithFire}`);
  for (const d of detectors) await d.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
