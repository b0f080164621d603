import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RgbImage } from "../image/rgb-image.js";
import { drawBox, EvidenceWriter, fireSnapshotJpeg } from "./evidence-writer.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "vigil-evidence-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const frame = { data: Buffer.alloc(320 * 180 * 3, 90), width: 320, height: 180 };
const crop = { data: Buffer.alloc(40 * 30 * 3, 200), width: 40, height: 30 };
const ts = new Date("2026-03-04T05:06:07Z");

/** Gradients and a checkerboard: a uniform grey frame hid a sheared snapshot. */
function structuredFrame(width: number, height: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  const cell = Math.max(8, Math.round(width / 16));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const check = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? 60 : 0;
      data[i] = Math.round((x / width) * 190) + check;
      data[i + 1] = Math.round((y / height) * 190) + check;
      data[i + 2] = 120;
    }
  }
  return { data, width, height };
}

const pixel = (data: Buffer, width: number, x: number, y: number) => data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3);

/** Mean absolute difference per channel between a decoded picture and the frame scaled to its size, left of/above `boxFrom` (fraction). */
async function meanDiffOutside(decoded: Buffer, frame: RgbImage, width: number, height: number, boxFrom: number): Promise<number> {
  const expected = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(width, height).raw().toBuffer();
  let diff = 0, n = 0;
  for (let y = 0; y < height; y += 3) {
    for (let x = 0; x < width; x += 3) {
      if (x > boxFrom * width && y > boxFrom * height) continue; // the box and its stroke
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) diff += Math.abs(decoded[i + c]! - expected[i + c]!);
      n += 3;
    }
  }
  return diff / n;
}

describe("EvidenceWriter", () => {
  it("writes the boxed frame and the crop as JPEGs under <camera>/<day>/ and returns their /media paths", async () => {
    const writer = new EvidenceWriter({ mediaDir: dir });
    const paths = await writer.write("cam-1", "0b0e0f00-0000-4000-8000-000000000001", ts, frame, [0.25, 0.25, 0.5, 0.5], crop);
    expect(paths.snapshot).toBe("/media/cam-1/2026-03-04/0b0e0f00-0000-4000-8000-000000000001.jpg");
    expect(paths.crop).toBe("/media/cam-1/2026-03-04/0b0e0f00-0000-4000-8000-000000000001-crop.jpg");
    const file = path.join(dir, "cam-1/2026-03-04/0b0e0f00-0000-4000-8000-000000000001.jpg");
    const meta = await sharp(file).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 320, 180]);
    // The box is drawn in red on the grey frame.
    const { data } = await sharp(file).extract({ left: 80, top: 90, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]! - data[1]!).toBeGreaterThan(20);
    expect((await stat(path.join(dir, "cam-1/2026-03-04/0b0e0f00-0000-4000-8000-000000000001-crop.jpg"))).size).toBeGreaterThan(100);
  });

  it("keeps the frame's picture: the decoded snapshot matches the frame outside the box, also when scaled down", async () => {
    const frame = structuredFrame(1600, 900);
    const writer = new EvidenceWriter({ mediaDir: dir, maxWidth: 1280 });
    const id = "0b0e0f00-0000-4000-8000-00000000000c";
    const paths = await writer.write("cam-9", id, ts, frame, [0.6, 0.6, 0.2, 0.2], undefined);
    expect(paths.snapshot).toBeDefined();
    const decoded = await sharp(path.join(dir, `cam-9/2026-03-04/${id}.jpg`)).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height, decoded.info.channels]).toEqual([1280, 720, 3]);
    expect(await meanDiffOutside(decoded.data, frame, 1280, 720, 0.55)).toBeLessThan(4); // JPEG q75 here: ~1; the sheared copy: ~59
    const edge = pixel(decoded.data, 1280, Math.round(0.7 * 1280), Math.round(0.6 * 720));
    expect(edge[0]! - edge[1]!).toBeGreaterThan(60); // the red box's top edge, at its place
  });

  it("keeps the plate crop's picture at full resolution", async () => {
    const crop = structuredFrame(180, 60);
    const id = "0b0e0f00-0000-4000-8000-00000000000d";
    await new EvidenceWriter({ mediaDir: dir }).write("cam-9", id, ts, structuredFrame(640, 360), [0.1, 0.1, 0.2, 0.1], crop);
    const decoded = await sharp(path.join(dir, `cam-9/2026-03-04/${id}-crop.jpg`)).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height]).toEqual([180, 60]);
    expect(await meanDiffOutside(decoded.data, crop, 180, 60, 2)).toBeLessThan(6); // ~4.3: 11-px checkers under chroma subsampling; a sheared copy: > 40
  });

  it("fire snapshots keep the frame's picture too, with the boxes in orange, at the configured width", async () => {
    const frame = structuredFrame(1280, 720);
    const jpeg = await fireSnapshotJpeg(frame, [{ bbox: [0.6, 0.6, 0.2, 0.2], confidence: 0.9 }], { snapshotWidth: 960, jpegQuality: 75 });
    const decoded = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height, decoded.info.channels]).toEqual([960, 540, 3]);
    expect(await meanDiffOutside(decoded.data, frame, 960, 540, 0.55)).toBeLessThan(4);
    const edge = pixel(decoded.data, 960, Math.round(0.7 * 960), Math.round(0.6 * 540));
    expect(edge[0]! - edge[2]!).toBeGreaterThan(60);
  });

  it("returns the SHA-256 of each file's bytes, and writes a later revision under its own names", async () => {
    const mediaDir = await mkdtemp(path.join(dir, "hash-"));
    const writer = new EvidenceWriter({ mediaDir });
    const first = await writer.write("cam-1", "id", ts, frame, [0, 0, 1, 1], crop);
    const later = await writer.write("cam-1", "id", ts, frame, [0.25, 0.25, 0.5, 0.5], crop, 2);
    expect(later.snapshot).toBe("/media/cam-1/2026-03-04/id-r2.jpg");
    expect(later.crop).toBe("/media/cam-1/2026-03-04/id-r2-crop.jpg");
    const sha = async (url: string) => createHash("sha256").update(await readFile(path.join(mediaDir, url.slice("/media/".length)))).digest("hex");
    for (const paths of [first, later]) {
      expect(paths.snapshotSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(paths.snapshotSha256).toBe(await sha(paths.snapshot!));
      expect(paths.cropSha256).toBe(await sha(paths.crop!));
    }
    expect(later.snapshotSha256).not.toBe(first.snapshotSha256); // another box drawn: other bytes, and the first file is kept
    expect(await sha(first.snapshot!)).toBe(first.snapshotSha256);
  });

  it("reports a failed write and returns no paths instead of throwing", async () => {
    const blocked = path.join(dir, "not-a-dir");
    await writeFile(blocked, "a file where the media directory should be");
    const errors: Error[] = [];
    const writer = new EvidenceWriter({ mediaDir: blocked, onError: (e) => errors.push(e) });
    expect(await writer.write("cam-1", "id", ts, frame, [0, 0, 1, 1], crop)).toEqual({});
    expect(errors).toHaveLength(1);
  });

  // Writes half of the crop, then fails as a full disk does; everything else is written normally.
  const cropFailsPartWay = async (file: string, data: Buffer) => {
    if (!file.includes("-crop")) return writeFile(file, data);
    await writeFile(file, data.subarray(0, data.length >> 1));
    throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
  };

  it("removes the files of a write that fails part-way (disk full), leaving none behind", async () => {
    const mediaDir = await mkdtemp(path.join(dir, "partial-"));
    const errors: Error[] = [];
    const writer = new EvidenceWriter({ mediaDir, onError: (e) => errors.push(e), writeFile: cropFailsPartWay });
    expect(await writer.write("cam-1", "id", ts, frame, [0, 0, 1, 1], crop)).toEqual({});
    expect(errors.map((e) => e.message)).toEqual(["ENOSPC: no space left on device"]);
    expect(await readdir(path.join(mediaDir, "cam-1/2026-03-04"))).toEqual([]);
  });

  it("keeps the previous revision's files when a later revision of the event fails to write", async () => {
    const mediaDir = await mkdtemp(path.join(dir, "revision-"));
    const eventDir = path.join(mediaDir, "cam-1/2026-03-04");
    await new EvidenceWriter({ mediaDir }).write("cam-1", "id", ts, frame, [0, 0, 1, 1], crop);
    const before = await Promise.all(["id.jpg", "id-crop.jpg"].map((f) => readFile(path.join(eventDir, f))));
    const writer = new EvidenceWriter({ mediaDir, writeFile: cropFailsPartWay });
    expect(await writer.write("cam-1", "id", ts, frame, [0.25, 0.25, 0.5, 0.5], crop)).toEqual({});
    expect((await readdir(eventDir)).sort()).toEqual(["id-crop.jpg", "id.jpg"]);
    expect(await Promise.all(["id.jpg", "id-crop.jpg"].map((f) => readFile(path.join(eventDir, f))))).toEqual(before);
  });

  it("leaves the frame's own pixels alone (they are shared with the other stages)", async () => {
    const frame = structuredFrame(320, 180);
    const before = Buffer.from(frame.data);
    await new EvidenceWriter({ mediaDir: dir }).write("cam-9", "0b0e0f00-0000-4000-8000-00000000000e", ts, frame, [0.2, 0.2, 0.5, 0.5], undefined);
    await fireSnapshotJpeg(frame, [{ bbox: [0.1, 0.1, 0.3, 0.3], confidence: 0.9 }]);
    expect(frame.data.equals(before)).toBe(true);
  });
});

describe("drawBox", () => {
  const red = [255, 0, 0] as const;
  const blank = () => ({ data: new Uint8Array(20 * 10 * 3), width: 20, height: 10 });
  const isRed = (p: { data: Uint8Array; width: number }, x: number, y: number) => p.data[(y * p.width + x) * 3] === 255;

  it("draws the outline centred on the box's edges and nothing inside or outside it", () => {
    const picture = blank();
    drawBox(picture, [0.25, 0.2, 0.5, 0.6], 2, red); // edges at x 5 and 15, y 2 and 8
    const drawn: string[] = [];
    for (let y = 0; y < 10; y++) for (let x = 0; x < 20; x++) if (isRed(picture, x, y)) drawn.push(`${x},${y}`);
    const expected: string[] = [];
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 20; x++) {
        const onVertical = (x === 4 || x === 5 || x === 14 || x === 15) && y >= 1 && y <= 8;
        const onHorizontal = (y === 1 || y === 2 || y === 7 || y === 8) && x >= 4 && x <= 15;
        if (onVertical || onHorizontal) expected.push(`${x},${y}`);
      }
    }
    expect(drawn).toEqual(expected);
  });

  it("clips a box that reaches past the picture instead of writing outside it", () => {
    const picture = blank();
    drawBox(picture, [-0.5, -0.5, 2, 2], 4, red);
    expect(picture.data.length).toBe(20 * 10 * 3);
    expect(isRed(picture, 10, 5)).toBe(false);
    drawBox(picture, [0, 0, 1, 1], 4, red);
    expect(isRed(picture, 0, 0) && isRed(picture, 19, 9) && isRed(picture, 1, 5)).toBe(true);
    expect(isRed(picture, 10, 5)).toBe(false);
  });
});
