/**
 * `npm run generate:video -- --seed 1 --out demo.mp4 --wanted 51F-123.45 --fire`
 * Options: --seed N, --out FILE, --duration S, --width W, --height H, --fps N, --gop N,
 * --wanted PLATE, --fire (default segment 40–75 % of the video) or --fire-start S --fire-end S,
 * --fire-image PHOTO (tests only: a real fire photo instead of the drawn flame), --truth FILE.
 */
import { parseArgs } from "node:util";
import { generateStreetVideo } from "./generate.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    out: { type: "string", default: "street.mp4" },
    duration: { type: "string", default: "30" },
    width: { type: "string", default: "1280" },
    height: { type: "string", default: "720" },
    fps: { type: "string", default: "25" },
    gop: { type: "string", default: "50" },
    wanted: { type: "string" },
    fire: { type: "boolean", default: false },
    "fire-start": { type: "string" },
    "fire-end": { type: "string" },
    "fire-image": { type: "string" },
    truth: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

function num(name: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  if (values.help) {
    console.log("usage: generate:video -- --seed 1 --out street.mp4 [--duration 30] [--wanted 51F-123.45] [--fire | --fire-start 12 --fire-end 24] [--fire-image photo.jpg]");
    return;
  }
  const durationS = num("duration", values.duration);
  const fireWanted = values.fire || values["fire-start"] !== undefined || values["fire-image"] !== undefined;
  const fire = fireWanted
    ? {
        startS: values["fire-start"] !== undefined ? num("fire-start", values["fire-start"]) : Math.round(durationS * 0.4),
        endS: values["fire-end"] !== undefined ? num("fire-end", values["fire-end"]) : Math.round(durationS * 0.75),
      }
    : undefined;
  if (fire && !(fire.endS > fire.startS)) throw new Error("--fire-end must be after --fire-start");
  const result = await generateStreetVideo({
    seed: num("seed", values.seed),
    out: values.out!,
    durationS,
    width: num("width", values.width),
    height: num("height", values.height),
    fps: num("fps", values.fps),
    gop: num("gop", values.gop),
    wanted: values.wanted,
    fire,
    fireImage: values["fire-image"],
    truthOut: values.truth,
  });
  const t = result.truth;
  console.log(`wrote ${result.video} (${t.width}x${t.height}, ${t.frames} frames, ${t.durationS} s) and ${result.truthFile} in ${(result.elapsedMs / 1000).toFixed(1)} s ${JSON.stringify(result.timingsMs)}`);
  for (const p of t.plates) {
    console.log(`  ${p.wanted ? "*" : " "} ${p.display.padEnd(14)} ${p.kind.padEnd(9)} frames ${p.firstFrame}-${p.lastFrame}, legible ${p.legibleFrames} frames, max ${p.maxPlateHeightPx} px`);
  }
  if (t.fire) console.log(`  fire (${t.fire.source}) ${t.fire.startS}-${t.fire.endS} s`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
