import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { toPlateKey } from "@vigil/contracts";
import { generateStreetVideo, type GenerateResult } from "@vigil/synthetic";
import { LineReader } from "./ingest-ocr.js";

const run = promisify(execFile);
const DATASETS = process.env.DATASETS_DIR ?? path.resolve(import.meta.dirname, "../../shared/datasets");
const FIRE_PHOTO = path.join(DATASETS, "fire-smoke/val/images/fire-image_10.jpg");

async function probe(file: string) {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=codec_name,width,height,r_frame_rate,nb_read_frames", "-of", "json", file]);
  return (JSON.parse(stdout) as { streams: { codec_name: string; width: number; height: number; r_frame_rate: string; nb_read_frames: string }[] }).streams[0]!;
}

async function frameAt(file: string, n: number): Promise<Buffer> {
  const { stdout } = await run("ffmpeg", ["-loglevel", "error", "-i", file, "-vf", `select=eq(n\\,${n})`, "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "pipe:1"], { encoding: "buffer", maxBuffer: 64 << 20 });
  return stdout;
}

describe("synthetic street-camera generator", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "vigil-synth-"));
  let main: GenerateResult;

  beforeAll(async () => {
    main = await generateStreetVideo({
      seed: 7,
      out: path.join(dir, "street.mp4"),
      durationS: 12,
      wanted: "51F-123.45",
      fire: { startS: 6, endS: 10 },
      fireImage: existsSync(FIRE_PHOTO) ? FIRE_PHOTO : undefined,
    });
  });

  it("writes a 1280x720 25 fps H.264 mp4 and its ground truth", async () => {
    const s = await probe(main.video);
    expect(s).toMatchObject({ codec_name: "h264", width: 1280, height: 720, r_frame_rate: "25/1" });
    expect(Number(s.nb_read_frames)).toBe(300);
    const truth = JSON.parse(readFileSync(main.truthFile, "utf8"));
    expect(truth).toEqual(main.truth);
    expect(truth).toMatchObject({ seed: 7, frames: 300, fps: 25, gop: 50 });
    expect(truth.fire).toMatchObject({ startFrame: 150, endFrame: 249, source: existsSync(FIRE_PHOTO) ? "image" : "procedural" });
  });

  it("keyframes every GOP", async () => {
    const { stdout } = await run("ffprobe", ["-v", "error", "-skip_frame", "nokey", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", main.video]);
    expect(Number(stdout.trim())).toBe(300 / 50);
  });

  it("includes the wanted plate, large enough for at least 2 s, and one- and two-row plates", () => {
    const wanted = main.truth.plates.filter((p) => p.wanted);
    expect(wanted).toHaveLength(1);
    expect(wanted[0]).toMatchObject({ display: "51F-123.45", plate: "51F12345", rows: 1, kind: "car" });
    expect(wanted[0]!.legibleFrames).toBeGreaterThanOrEqual(50);
    expect(wanted[0]!.maxPlateHeightPx).toBeGreaterThanOrEqual(40);
    expect(new Set(main.truth.plates.map((p) => p.rows))).toEqual(new Set([1, 2]));
  });

  it("draws plates a real OCR reads (PP-OCRv4 on the ground-truth boxes)", async () => {
    const reader = await LineReader.create();
    const results: { want: string; got: string; wanted: boolean }[] = [];
    for (const p of main.truth.plates.filter((x) => x.legibleFrames > 0)) {
      const png = await frameAt(main.video, p.largestFrame);
      const [x, y, w, h] = p.largestBox;
      const pad = Math.round(h * 0.08);
      const crop = await sharp(png).extract({ left: Math.max(0, x - pad), top: Math.max(0, y - pad), width: w + 2 * pad, height: h + 2 * pad }).png().toBuffer();
      results.push({ want: p.plate, got: toPlateKey(await reader.readPlate(crop, p.rows)), wanted: p.wanted });
    }
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(results.find((r) => r.wanted)).toMatchObject({ got: "51F12345" });
    const right = results.filter((r) => r.got === r.want).length;
    expect(right / results.length, JSON.stringify(results)).toBeGreaterThanOrEqual(0.75);
  });

  it("is deterministic by seed", async () => {
    const small = { durationS: 2, width: 640, height: 360, wanted: "59-X1 234.56" } as const;
    const a = await generateStreetVideo({ ...small, seed: 3, out: path.join(dir, "a.mp4") });
    const b = await generateStreetVideo({ ...small, seed: 3, out: path.join(dir, "b.mp4") });
    const c = await generateStreetVideo({ ...small, seed: 4, out: path.join(dir, "c.mp4") });
    expect(readFileSync(a.video).equals(readFileSync(b.video))).toBe(true);
    expect({ ...a.truth, video: "" }).toEqual({ ...b.truth, video: "" });
    expect(readFileSync(a.video).equals(readFileSync(c.video))).toBe(false);
    expect(a.truth.plates.find((p) => p.wanted)).toMatchObject({ display: "59-X1 234.56", rows: 2, kind: "motorbike" });
  });

  it("refuses a wanted text that is not a Vietnamese plate", async () => {
    await expect(generateStreetVideo({ seed: 1, out: path.join(dir, "x.mp4"), durationS: 1, wanted: "HELLO" })).rejects.toThrow(/not a Vietnamese plate/);
  });
});
