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
    return boxedJpeg(frame, [box], "#ff2d2d", { snapshotWidth: this.o.maxWidth ?? DEFAULT_EVIDENCE.snapshotWidth, jpegQuality: this.o.quality ?? DEFAULT_EVIDENCE.jpegQuality });
  }
}

/**
 * The frame with `boxes` drawn, scaled down to the snapshot width, as JPEG. Drawn at full resolution
 * first: within one sharp pipeline the composite would come after the resize.
 */
async function boxedJpeg(image: RgbImage, boxes: NormalisedBox[], colour: string, o: EvidenceOptions): Promise<Buffer> {
  const { width, height } = image;
  const stroke = Math.max(2, Math.round(width / 400));
  const rects = boxes
    .map(([x, y, w, h]) => `<rect x="${(x * width).toFixed(1)}" y="${(y * height).toFixed(1)}" width="${(w * width).toFixed(1)}" height="${(h * height).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`)
    .join("");
  const svg = Buffer.from(`<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${rects}</svg>`);
  // composite() leaves an alpha channel: read the raw result back with the channel count sharp
  // reports, never an assumed 3 (that sheared the picture into three grey copies).
  const boxed = await sharp(image.data, { raw: { width, height, channels: 3 } })
    .composite([{ input: svg, top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const scaled = sharp(boxed.data, { raw: { width: boxed.info.width, height: boxed.info.height, channels: boxed.info.channels } });
  if (width > o.snapshotWidth) scaled.resize(o.snapshotWidth);
  return scaled.jpeg({ quality: o.jpegQuality }).toBuffer();
}

/** A fire/smoke evidence snapshot: the frame with each box in orange. */
export function fireSnapshotJpeg(image: RgbImage, boxes: FireBox[], o: EvidenceOptions = DEFAULT_EVIDENCE): Promise<Buffer> {
  return boxedJpeg(image, boxes.map((b) => b.bbox), "#ff8c00", o);
}
