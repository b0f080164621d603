/**
 * Per-frame scores of the fire chain over clips, for looking at why a clip alerts or does not (train split
 * only when choosing anything): each clip decoded at `fps` by ffmpeg, every chain candidate with its grid score
 * and fused score, and the confirmer's decisions. Frames are decoded as ingest hands them over (image/ingest-frames.ts:
 * 1280 px wide YUV 4:2:0, ingest's scale). Not real time, and without the service's fire rate gate (every frame is
 * scored): bench/fire-false-alarms.ts plays clips through the service itself.
 *   npx tsx models/training/fire/clip-scores.ts [--fps 2] [--grid other-grid.onnx] [--verifier other-verifier.onnx] [--no-sustained] [--skip-loop-filter] [--quiet] clip.mp4 [clip.mp4 …]
 * --skip-loop-filter decodes without H.264's deblocking filter, as keyframes-only ingest does (give it all-intra
 * clips: on predicted frames skipping the filter drifts, which ingest never does).
 * --no-sustained turns the confirmer's sustained-fire rule off (sub-threshold candidates then only mark fixtures).
 * --quiet prints one summary line per clip: its first confirmed fire and smoke (clip time) and the events raised.
 */
import { splitAtThreshold, VigilFireChainDetector } from "../../../services/inference/src/detectors/fire-vigil-chain.js";
import { createFireConfirmer, DEFAULT_FIRE_CONFIRMER_OPTIONS } from "../../../services/inference/src/fire/fire-confirmer.js";
import { decodeIngestFrames } from "../../../services/inference/src/image/ingest-frames.js";

const args = process.argv.slice(2);
let fps = 2;
let gridModelPath: string | undefined;
let verifierModelPath: string | undefined;
let quiet = false;
let sustained = true;
let skipLoopFilter = false;
for (;;) {
  if (args[0] === "--fps") fps = Number(args.splice(0, 2)[1]);
  else if (args[0] === "--grid") gridModelPath = args.splice(0, 2)[1];
  else if (args[0] === "--verifier") verifierModelPath = args.splice(0, 2)[1];
  else if (args[0] === "--no-sustained") {
    sustained = false;
    args.shift();
  }
  else if (args[0] === "--skip-loop-filter") {
    skipLoopFilter = true;
    args.shift();
  }
  else if (args[0] === "--quiet") {
    quiet = true;
    args.shift();
  }
  else break;
}
const chain = new VigilFireChainDetector({ gridModelPath, verifierModelPath });
await chain.load({ modelsDir: "", threads: 2 });
for (const file of args) {
  const confirmer = createFireConfirmer(sustained ? {} : { fire: { ...DEFAULT_FIRE_CONFIRMER_OPTIONS.fire, sustained: undefined } });
  let i = 0;
  const firsts: Record<string, number> = {};
  let events = 0;
  if (!quiet) console.log(`# ${file}  thresholds fire ${chain.threshold("fire").toFixed(3)} smoke ${chain.threshold("smoke").toFixed(3)}`);
  for await (const { image } of decodeIngestFrames(file, { sampleFps: fps, inputArgs: skipLoopFilter ? ["-skip_loop_filter", "all"] : [] })) {
    const ts = 1_000_000 + Math.round((i * 1000) / fps);
    const scored = await chain.scored(image);
    const { detections, candidates } = splitAtThreshold(scored, (label) => chain.threshold(label));
    const decided = confirmer.observe("cam", ts, detections, candidates);
    const fmt = (d: { label: string; confidence: number; bbox: number[] }) => `${d.label[0]}${d.confidence.toFixed(2)}@${d.bbox.map((v) => v.toFixed(2)).join(",")}`;
    for (const c of decided) {
      if (c.revision === 0) events += 1;
      const kind = c.kind === "smoke" && c.possible ? "smoke?" : c.kind;
      firsts[kind] ??= i / fps;
    }
    if (!quiet) console.log(`${(i / fps).toFixed(1).padStart(5)}s  scored [${scored.map(fmt).join(" ")}]  det ${detections.length} cand ${candidates.length}${decided.length ? "  => " + decided.map((c) => `${c.kind}${c.possible ? "(possible)" : ""} r${c.revision}`).join(" ") : ""}`);
    i += 1;
  }
  const at = (k: string) => (firsts[k] === undefined ? "-" : `${firsts[k]!.toFixed(1)}s`);
  console.log(`SUMMARY ${file.split("/").slice(-2).join("/")} frames ${i} events ${events} fire ${at("fire")} smoke ${at("smoke")} possible-smoke ${at("smoke?")}`);
}
await chain.close();
