/**
 * The `npm start` demo's fire, end to end: generates the ingest helper's synthetic street video
 * with its drawn fire (packages/synthetic/src), decodes it at 2 fps and runs Vigil's fire
 * pipeline (grid model + default confirmer). Prints when the fire is confirmed relative to the
 * ground truth, and any event outside the fire segment.
 * Run: npx tsx bench/fire-demo-video.ts [seed] [model.onnx]   (seed 1 is the demo's; it is never trained on)
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { VigilFireGridDetector } from "../services/inference/src/detectors/fire-vigil-grid.js";
import { createFireConfirmer } from "../services/inference/src/fire/fire-confirmer.js";
import { createFirePipeline } from "../services/inference/src/fire/fire-pipeline.js";
import { decodeSampledFrames } from "../services/inference/src/fire/fire-video-check.js";
import { generateStreetVideo } from "@vigil/synthetic";

const seed = Number(process.argv[2] ?? 1);
const dir = await mkdtemp(path.join(os.tmpdir(), "vigil-fire-demo-"));
try {
  const { truth, video } = await generateStreetVideo({ seed, out: path.join(dir, "street.mp4"), durationS: 24, fire: { startS: 8, endS: 18 } });
  const fire = truth.fire!;
  const detector = new VigilFireGridDetector(process.argv[3] ? { modelPath: path.resolve(process.argv[3]) } : {});
  await detector.load({ modelsDir: "", threads: 2 });
  const events: Array<{ tS: number; kind: string; revision: number }> = [];
  let framesWithFire = 0, framesInSegment = 0, framesOutsideWithFire = 0, framesOutside = 0;
  const pipeline = createFirePipeline({
    detector,
    confirmer: createFireConfirmer(),
    publish: async () => {},
    logger: pino({ level: "silent" }),
  });
  for await (const { image, tS } of decodeSampledFrames(video, 2, truth.width, truth.height)) {
    const { events: out, detections } = await pipeline.processWithDetections("demo", image, Math.round(tS * 1000));
    const sawFire = detections.some((d) => d.label === "fire");
    if (tS >= fire.startS && tS < fire.endS) {
      framesInSegment += 1;
      framesWithFire += Number(sawFire);
    } else {
      framesOutside += 1;
      framesOutsideWithFire += Number(sawFire);
    }
    for (const e of out) events.push({ tS, kind: e.kind, revision: e.revision ?? 0 });
  }
  await detector.close();
  const firstFire = events.find((e) => e.kind === "fire" && e.revision === 0);
  console.log(`synthetic street seed ${seed}, ${truth.width}x${truth.height}, drawn fire ${fire.startS}-${fire.endS} s, box ${JSON.stringify(fire.box)}`);
  console.log(`single-frame fire detections: ${framesWithFire}/${framesInSegment} sampled frames during the fire, ${framesOutsideWithFire}/${framesOutside} outside it`);
  console.log(`first confirmed fire event: ${firstFire ? `${firstFire.tS.toFixed(1)} s (${(firstFire.tS - fire.startS).toFixed(1)} s after the fire appears)` : "none"}`);
  console.log(`all events: ${JSON.stringify(events)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
