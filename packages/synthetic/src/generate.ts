import { spawn } from "node:child_process";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { asWords, blit, toSprite, type Sprite } from "./compositor.js";
import { FireLayer, type FireSegment } from "./fire-layer.js";
import { plateFromText } from "./plate-text.js";
import { Random } from "./random.js";
import { planTraffic, vehicleScale, type PlannedVehicle } from "./scenario.js";
import { SCALE_MAX, SCALE_MIN, sceneGeometry, scaleIndex, scaleOf, type SceneGeometry } from "./scene-geometry.js";
import { renderVehicle, scaleSprite, spriteLayout } from "./sprites.js";
import { renderStreet } from "./street.js";

export interface GenerateOptions {
  seed: number;
  out: string;
  width?: number;
  height?: number;
  fps?: number;
  durationS?: number;
  /** Keyframe interval in frames. */
  gop?: number;
  /** A plate that must appear (e.g. a watchlisted one): `51F-123.45` or `59-X1 234.56`. */
  wanted?: string;
  fire?: FireSegment;
  /** A real fire photo for tests; without it the flame is drawn procedurally. */
  fireImage?: string;
  ffmpegPath?: string;
  /** Where the ground truth goes; default: next to the video, `.json` instead of `.mp4`. */
  truthOut?: string;
  /** x264 preset and quality. */
  preset?: string;
  crf?: number;
}

export interface PlateTruth {
  display: string;
  plate: string;
  rows: 1 | 2;
  kind: "car" | "motorbike";
  wanted: boolean;
  direction: "receding" | "approaching";
  /** Frames where the plate is fully inside the picture. */
  firstFrame: number;
  lastFrame: number;
  /** Frames where it is also unoccluded and at least `legibleMinHeightPx` tall. */
  firstLegibleFrame: number | null;
  lastLegibleFrame: number | null;
  legibleFrames: number;
  maxPlateHeightPx: number;
  /** Plate box [x, y, w, h] in pixels at its largest, and the frame where that is. */
  largestBox: [number, number, number, number];
  largestFrame: number;
}

export interface GroundTruth {
  schemaVersion: 1;
  generator: "vigil-synthetic-street";
  seed: number;
  video: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  durationS: number;
  gop: number;
  legibleMinHeightPx: number;
  plates: PlateTruth[];
  fire: null | { kind: "fire"; source: "procedural" | "image"; startS: number; endS: number; startFrame: number; endFrame: number; box: [number, number, number, number] };
}

interface Placed {
  v: PlannedVehicle;
  sprite: Sprite;
  w: number;
  h: number;
  x: number;
  y: number;
  plateBox: [number, number, number, number];
}

/** Renders the street video (H.264 mp4) and its ground truth. Same options → same video. */
export interface GenerateResult {
  video: string;
  truthFile: string;
  truth: GroundTruth;
  elapsedMs: number;
  /** Where the time went: scene set-up (street, sprites), drawing frames, waiting on the encoder. */
  timingsMs: { setup: number; draw: number; encodeWait: number };
}

export async function generateStreetVideo(o: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const width = o.width ?? 1280;
  const height = o.height ?? 720;
  const fps = o.fps ?? 25;
  const durationS = o.durationS ?? 30;
  const gop = o.gop ?? 50;
  if (width % 2 || height % 2) throw new Error("width and height must be even (H.264 4:2:0)");
  const frames = Math.round(durationS * fps);
  const rng = new Random(o.seed);
  const g = sceneGeometry(width, height);
  const wanted = o.wanted ? plateFromText(o.wanted) : undefined;
  const traffic = planTraffic(rng, durationS, wanted);
  const background = await renderStreet(g, rng, rng.range(0.85, 1.05));
  const fire = o.fire ? new FireLayer(o.fire, fireBox(g), o.seed, o.fireImage) : null;
  await fire?.prepare(rng);

  // Which (vehicle, scale) sprites the video needs, rendered up front so the frame loop is sync.
  const needed = new Map<PlannedVehicle, Set<number>>();
  for (let f = 0; f < frames; f++) {
    for (const v of traffic) {
      const s = vehicleScale(v, f / fps);
      if (s !== undefined && s >= SCALE_MIN) (needed.get(v) ?? needed.set(v, new Set()).get(v)!).add(scaleIndex(s));
    }
  }
  const sprites = new Map<PlannedVehicle, Map<number, Sprite>>();
  await Promise.all(
    [...needed].map(async ([v, indexes]) => {
      // Two vector renders (full and half size): small scales resize from the half one, which
      // costs a quarter as much per resize and most scale steps are small ones.
      const base = await renderVehicle(v.look, g.unit);
      const half = await renderVehicle(v.look, g.unit / 2);
      const l = spriteLayout(v.look.kind);
      const byIndex = new Map<number, Sprite>();
      for (const k of indexes) {
        const s = scaleOf(k);
        const w = Math.max(1, Math.round(l.width * g.unit * s));
        const h = Math.max(1, Math.round(l.height * g.unit * s));
        byIndex.set(k, toSprite(await scaleSprite(s < SCALE_MAX / 2 ? half : base, w, h, v.look.blur * s), w, h));
      }
      sprites.set(v, byIndex);
    }),
  );

  const setupMs = performance.now() - started;
  let drawMs = 0;
  let waitMs = 0;
  const truths = new Map<PlannedVehicle, PlateTruth>();
  const legibleMinHeightPx = Math.round((40 * height) / 720);
  const tmp = `${o.out}.part.mp4`;
  await mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
  const encoder = startEncoder(o.ffmpegPath ?? "ffmpeg", tmp, width, height, fps, gop, o.preset ?? "superfast", o.crf ?? 21);
  const frame = new Uint32Array(width * height);
  const frameBytes = Buffer.from(frame.buffer);
  const backgroundWords = asWords(background);
  for (let f = 0; f < frames; f++) {
    const t = f / fps;
    const t0 = performance.now();
    frame.set(backgroundWords);
    fire?.draw(frame, width, height, t, f);
    const placed = placeVehicles(traffic, sprites, g, t);
    for (const p of placed) blit(frame, width, height, p.sprite, p.x, p.y);
    recordTruth(truths, placed, f, g, legibleMinHeightPx);
    const t1 = performance.now();
    await encoder.write(frameBytes);
    drawMs += t1 - t0;
    waitMs += performance.now() - t1;
  }
  const t2 = performance.now();
  await encoder.end();
  waitMs += performance.now() - t2;
  await rename(tmp, o.out);

  const truth: GroundTruth = {
    schemaVersion: 1,
    generator: "vigil-synthetic-street",
    seed: o.seed,
    video: path.basename(o.out),
    width,
    height,
    fps,
    frames,
    durationS,
    gop,
    legibleMinHeightPx,
    plates: [...truths.values()].sort((a, b) => a.firstFrame - b.firstFrame),
    fire: fire
      ? {
          kind: "fire",
          source: o.fireImage ? "image" : "procedural",
          startS: fire.segment.startS,
          endS: fire.segment.endS,
          startFrame: Math.round(fire.segment.startS * fps),
          endFrame: Math.min(frames - 1, Math.round(fire.segment.endS * fps) - 1),
          box: [fire.box.x / width, fire.box.y / height, fire.box.w / width, fire.box.h / height],
        }
      : null,
  };
  const truthFile = o.truthOut ?? o.out.replace(/\.[^./]+$/, "") + ".json";
  await writeFile(truthFile, JSON.stringify(truth, null, 2));
  return { video: o.out, truthFile, truth, elapsedMs: performance.now() - started, timingsMs: { setup: Math.round(setupMs), draw: Math.round(drawMs), encodeWait: Math.round(waitMs) } };
}

function fireBox(g: SceneGeometry): { x: number; y: number; w: number; h: number } {
  const w = Math.round(0.15 * g.width);
  const h = Math.round(0.3 * g.height);
  // On the left sidewalk, standing on the ground a little way down the street.
  const groundY = g.groundY(0.75);
  return { x: Math.round(0.03 * g.width), y: Math.round(groundY - h), w, h };
}

/** Vehicles on screen at t, far ones first so near ones cover them. */
function placeVehicles(traffic: PlannedVehicle[], sprites: Map<PlannedVehicle, Map<number, Sprite>>, g: SceneGeometry, t: number): Placed[] {
  const out: (Placed & { s: number })[] = [];
  for (const v of traffic) {
    const s0 = vehicleScale(v, t);
    if (s0 === undefined || s0 < SCALE_MIN) continue;
    const k = scaleIndex(s0);
    const sprite = sprites.get(v)?.get(k);
    if (!sprite) continue;
    const s = scaleOf(k);
    const cx = g.laneX(v.lane, s0);
    const x = Math.round(cx - sprite.width / 2);
    const y = Math.round(g.groundY(s0) - sprite.height);
    const l = spriteLayout(v.look.kind);
    const pu = g.unit * s;
    const a = (Math.abs(v.look.plateAngle) * Math.PI) / 180;
    const pw = (l.plate.w * Math.cos(a) + l.plate.h * Math.sin(a)) * pu;
    const ph = (l.plate.h * Math.cos(a) + l.plate.w * Math.sin(a)) * pu;
    const pcx = x + l.plate.cx * pu;
    const pcy = y + l.plate.cy * pu;
    out.push({ v, s: s0, sprite, w: sprite.width, h: sprite.height, x, y, plateBox: [pcx - pw / 2, pcy - ph / 2, pw, ph] });
  }
  return out.sort((a, b) => a.s - b.s);
}

function recordTruth(truths: Map<PlannedVehicle, PlateTruth>, placed: Placed[], f: number, g: SceneGeometry, minPx: number): void {
  placed.forEach((p, i) => {
    const [bx, by, bw, bh] = p.plateBox;
    const inside = bx >= 0 && by >= 0 && bx + bw <= g.width && by + bh <= g.height;
    if (!inside) return;
    // Straight-on plate height (the tilt's extra box height is not text height).
    const textHeight = spriteLayout(p.v.look.kind).plate.h * (p.h / spriteLayout(p.v.look.kind).height);
    const occluded = placed.slice(i + 1).some((q) => bx < q.x + q.w && bx + bw > q.x && by < q.y + q.h && by + bh > q.y);
    const legible = !occluded && textHeight >= minPx;
    const plate = p.v.look.plate;
    let t = truths.get(p.v);
    if (!t) {
      t = {
        display: plate.display,
        plate: plate.key,
        rows: plate.rows,
        kind: p.v.look.kind,
        wanted: p.v.wanted,
        direction: p.v.approaching ? "approaching" : "receding",
        firstFrame: f,
        lastFrame: f,
        firstLegibleFrame: null,
        lastLegibleFrame: null,
        legibleFrames: 0,
        maxPlateHeightPx: 0,
        largestBox: [0, 0, 0, 0],
        largestFrame: f,
      };
      truths.set(p.v, t);
    }
    t.lastFrame = f;
    if (legible && textHeight > t.maxPlateHeightPx) {
      t.maxPlateHeightPx = Math.round(textHeight);
      t.largestBox = [Math.round(bx), Math.round(by), Math.round(bw), Math.round(bh)];
      t.largestFrame = f;
    }
    if (legible) {
      t.firstLegibleFrame ??= f;
      t.lastLegibleFrame = f;
      t.legibleFrames++;
    }
  });
}

/** ffmpeg reading raw RGBA frames on stdin, writing H.264 in MP4 (faststart, so it streams). */
function startEncoder(ffmpeg: string, out: string, width: number, height: number, fps: number, gop: number, preset: string, crf: number) {
  const args = ["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", `${width}x${height}`, "-r", String(fps), "-i", "pipe:0",
    "-c:v", "libx264", "-preset", preset, "-crf", String(crf), "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", out];
  const proc = spawn(ffmpeg, args, { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve, reject) => {
    proc.on("error", reject);
    proc.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg encoder exited with ${code}: ${stderr.trim()}`))));
  });
  exited.catch(() => {});
  return {
    async write(buf: Buffer): Promise<void> {
      if (!proc.stdin.write(buf)) {
        await Promise.race([new Promise<void>((r) => proc.stdin.once("drain", () => r())), exited]);
      }
    },
    async end(): Promise<void> {
      proc.stdin.end();
      await exited;
    },
  };
}
