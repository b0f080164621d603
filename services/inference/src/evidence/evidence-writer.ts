import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { FireBox, NormalisedBox } from "@vigil/contracts";
import sharp from "sharp";
import { writeAllOrNone, type FileToWrite } from "./write-all-or-none.js";
import { encodeJpeg, type RgbImage } from "../image/rgb-image.js";

export interface EvidencePaths {
  /** URL paths (`/media/...`), absent when writing failed. */
  snapshot?: string;
  crop?: string;
  /** SHA-256 of each file's bytes as written (lowercase hex), present with its path. */
  snapshotSha256?: string;
  cropSha256?: string;
}

/** Size and quality of evidence snapshots (env EVIDENCE_SNAPSHOT_WIDTH / EVIDENCE_JPEG_QUALITY). */
export interface EvidenceOptions {
  snapshotWidth: number;
  jpegQuality: number;
}
export const DEFAULT_EVIDENCE: EvidenceOptions = { snapshotWidth: 960, jpegQuality: 75 };

export interface EvidenceWriterOptions {
  mediaDir: string;
  /** Frames wider than this are scaled down for the snapshot (evidence, not archive); default 960. */
  maxWidth?: number;
  /** Snapshot JPEG quality (default 75); the plate crop is kept at full resolution and quality 90. */
  quality?: number;
  onError?: (err: Error) => void;
  /** Defaults to `fs.promises.writeFile`; tests pass one that fails part-way, as a full disk does. */
  writeFile?: (file: string, data: Buffer) => Promise<void>;
}

/**
 * Writes the evidence JPEGs of an event: the frame with the plate's box drawn, and the plate crop,
 * at `<mediaDir>/<cameraId>/<yyyy-mm-dd>/<eventId>.jpg` and `…-crop.jpg`. The alerts service
 * serves the same directory at `/media/`. A failed write (disk full) never loses the event: the
 * caller publishes without the paths, and the files of the failed call are removed.
 */
export class EvidenceWriter {
  constructor(private readonly o: EvidenceWriterOptions) {}

  /**
   * `revision` > 0 writes under its own names (`<eventId>-r<n>.jpg`): an alert keeps the picture of
   * the revision it saw, with that picture's hash, so a later revision must not overwrite it.
   */
  async write(cameraId: string, eventId: string, ts: Date, frame: RgbImage, box: NormalisedBox, crop: RgbImage | undefined, revision = 0): Promise<EvidencePaths> {
    const day = ts.toISOString().slice(0, 10);
    const rel = `${cameraId}/${day}`;
    const dir = path.join(this.o.mediaDir, rel);
    const base = revision > 0 ? `${eventId}-r${revision}` : eventId;
    const files: FileToWrite[] = [{ path: path.join(dir, `${base}.jpg`), data: () => this.snapshotJpeg(frame, box) }];
    if (crop) files.push({ path: path.join(dir, `${base}-crop.jpg`), data: () => encodeJpeg(crop, 90) });
    try {
      await mkdir(dir, { recursive: true });
      // All or none: a failed revision leaves the previous revision's evidence (which alerts may show)
      // intact, and since the event goes out without these paths, nothing would ever refer to (or
      // delete) files left behind; on a full disk their space would stay taken.
      const [snapshotSha256, cropSha256] = await writeAllOrNone(files, this.o.writeFile);
      return {
        snapshot: `/media/${rel}/${base}.jpg`,
        snapshotSha256: snapshotSha256!,
        ...(crop ? { crop: `/media/${rel}/${base}-crop.jpg`, cropSha256: cropSha256! } : {}),
      };
    } catch (err) {
      this.o.onError?.(err as Error);
      return {};
    }
  }

  private snapshotJpeg(frame: RgbImage, box: NormalisedBox): Promise<Buffer> {
    return boxedJpeg(frame, [box], PLATE_BOX_COLOUR, { snapshotWidth: this.o.maxWidth ?? DEFAULT_EVIDENCE.snapshotWidth, jpegQuality: this.o.quality ?? DEFAULT_EVIDENCE.jpegQuality });
  }
}

type Rgb = readonly [number, number, number];
const PLATE_BOX_COLOUR: Rgb = [0xff, 0x2d, 0x2d];
const FIRE_BOX_COLOUR: Rgb = [0xff, 0x8c, 0x00];

/**
 * The frame scaled down to the snapshot width, with `boxes` drawn, as JPEG. The boxes are drawn into
 * the scaled pixels rather than rasterised from an SVG overlay at full size: that overlay (librsvg
 * on the whole frame, composite, an RGBA round trip) cost 24.5 ms CPU a plate event or revision
 * against 10.2 ms for this (1280×720 frame + crop, files written; BENCHMARKS.md, capacity 12-07 05:4x).
 * The outline is width / 320 px of the snapshot (3 px at the default 960), at least 2.
 */
async function boxedJpeg(image: RgbImage, boxes: NormalisedBox[], colour: Rgb, o: EvidenceOptions): Promise<Buffer> {
  const { width, height } = image;
  let picture: { data: Buffer; width: number; height: number };
  if (width > o.snapshotWidth) {
    const { data, info } = await sharp(image.data, { raw: { width, height, channels: 3 } }).resize(o.snapshotWidth).raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`scaled snapshot has ${info.channels} channels, expected 3`);
    picture = { data, width: info.width, height: info.height };
  } else {
    // A copy: the frame's pixels are shared with the other stages and lent by ingest.
    picture = { data: Buffer.from(image.data), width, height };
  }
  const stroke = Math.max(2, Math.round(picture.width / 320));
  for (const box of boxes) drawBox(picture, box, stroke, colour);
  return sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 3 } }).jpeg({ quality: o.jpegQuality }).toBuffer();
}

/** Draws a box's outline (`stroke` px, centred on its edges, as an SVG stroke is) into packed RGB; clipped to the picture. */
export function drawBox(picture: { data: Uint8Array; width: number; height: number }, [x, y, w, h]: NormalisedBox, stroke: number, colour: Rgb): void {
  const { data, width, height } = picture;
  const half = stroke / 2;
  const fill = (x0: number, y0: number, x1: number, y1: number) => {
    const left = Math.max(0, Math.round(x0)), right = Math.min(width, Math.round(x1));
    const top = Math.max(0, Math.round(y0)), bottom = Math.min(height, Math.round(y1));
    for (let row = top; row < bottom; row++) {
      for (let col = left, i = (row * width + left) * 3; col < right; col++, i += 3) {
        data[i] = colour[0];
        data[i + 1] = colour[1];
        data[i + 2] = colour[2];
      }
    }
  };
  const l = x * width, r = (x + w) * width, t = y * height, b = (y + h) * height;
  fill(l - half, t - half, r + half, t + half); // top
  fill(l - half, b - half, r + half, b + half); // bottom
  fill(l - half, t + half, l + half, b - half); // left
  fill(r - half, t + half, r + half, b - half); // right
}

/** A fire/smoke evidence snapshot: the frame with each box in orange. */
export function fireSnapshotJpeg(image: RgbImage, boxes: FireBox[], o: EvidenceOptions = DEFAULT_EVIDENCE): Promise<Buffer> {
  return boxedJpeg(image, boxes.map((b) => b.bbox), FIRE_BOX_COLOUR, o);
}
