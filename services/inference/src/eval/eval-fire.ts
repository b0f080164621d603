/**
 * `npm run eval:fire` — Vigil's fire model against the shared YOLOv8n baseline, on held-out
 * images only (models/training/fire/splits/test.txt: all of fire-smoke/val plus 30 % of
 * fire-vs-normal), then the video check. Prints a markdown table.
 *
 * Options: --datasets DIR (default ../shared/datasets), --models DIR holding the baseline
 * (default ../shared/models), --threads N (default 2), e.g. `npm run eval:fire -- --threads 1`.
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
  },
});
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

async function loadTestSplit(): Promise<Truth[]> {
  const rels = (await readFile(path.join(REPO, "models/training/fire/splits/test.txt"), "utf8")).split("\n").filter(Boolean);
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
  let nFire = 0, nFireFs = 0, nFireFvn = 0, nSmoke = 0, nNormal = 0;
  for (const t of truths) {
    const image = await decode(path.join(env.DATASETS_DIR, t.rel));
    const start = performance.now();
    const detections = await detector.detect(image);
    times.push(performance.now() - start);
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
    }
  }
  let streetFp = 0, streetFireFp = 0, streetSmokeFp = 0;
  const street = await streetFrames();
  for (const rel of street) {
    const detections = await detector.detect(await decode(path.join(env.DATASETS_DIR, rel)));
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

async function main(): Promise<void> {
  const truths = await loadTestSplit();
  const detectors: Detector[] = [new VigilFireChainDetector(), new VigilFireGridDetector(), new YoloFireBaselineDetector()];
  const results: ModelResult[] = [];
  for (const detector of detectors) {
    await detector.load({ modelsDir: env.MODELS_DIR, threads: env.FIRE_EVAL_THREADS });
    results.push(await evaluate(detector, truths));
    console.error(`evaluated ${detector.name}`);
  }
  const c = results[0]!.counts;
  console.log(`\nHeld-out test split: ${truths.length} images (${c.fire} with fire, ${c.smoke} with smoke, ${c.normal} hard negatives from fire-vs-normal/normal)\n`);
  console.log(`| metric | ${results.map((r) => r.name).join(" | ")} |`);
  console.log(`| --- | ${results.map(() => "---").join(" | ")} |`);
  const row = (label: string, f: (r: ModelResult) => string) => console.log(`| ${label} | ${results.map(f).join(" | ")} |`);
  row("fire recall (image-level, all held-out fire)", (r) => pct(r.fireRecall));
  row("  fire recall on fire-smoke/val", (r) => pct(r.fireRecallFireSmoke));
  row("  fire recall on fire-vs-normal/fire", (r) => pct(r.fireRecallFireVsNormal));
  row("smoke recall (image-level)", (r) => pct(r.smokeRecall));
  row("fire false-positive rate on hard negatives", (r) => pct(r.fireFpr));
  row("smoke false-positive rate on hard negatives", (r) => pct(r.smokeFpr));
  row("street frames with any fire/smoke (vn-plate-frames, held out)", (r) => `${pct(r.streetFpr)} (${r.streetFireFp} fire, ${r.streetSmokeFp} smoke of ${r.streetN})`);
  row("inference ms/frame, mean (incl. resize)", (r) => r.msMean.toFixed(1));
  row("inference ms/frame, p95", (r) => r.msP95.toFixed(1));
  console.log(
    "\nBox-level mAP50: not reported. Vigil's model is a grid classifier (16×16 cells of a 256² resize), its boxes are cell groups, so mAP50 against tight YOLO boxes measures the grid, not the model; image-level recall/FPR is the comparable figure for both.",
  );

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
