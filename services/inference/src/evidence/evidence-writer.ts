import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { NormalisedBox } from "@vigil/contracts";
import sharp from "sharp";
import { writeAllOrNone, type FileToWrite } from "./write-all-or-none.js";
import { encodeJpeg, type RgbImage } from "../image/rgb-image.js";

export interface EvidencePaths {
  /** URL paths (`/media/...`), absent when writing failed. */
  snapshot?: string;
  crop?: string;
}

export interface EvidenceWriterOptions {
  mediaDir: string;
  /** Frames wider than this are scaled down for the snapshot (evidence, not archive). */
  maxWidth?: number;
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

  async write(cameraId: string, eventId: string, ts: Date, frame: RgbImage, box: NormalisedBox, crop: RgbImage | undefined): Promise<EvidencePaths> {
    const day = ts.toISOString().slice(0, 10);
    const rel = `${cameraId}/${day}`;
    const dir = path.join(this.o.mediaDir, rel);
    const files: FileToWrite[] = [{ path: path.join(dir, `${eventId}.jpg`), data: () => this.snapshotJpeg(frame, box) }];
    if (crop) files.push({ path: path.join(dir, `${eventId}-crop.jpg`), data: () => encodeJpeg(crop, 90) });
    try {
      await mkdir(dir, { recursive: true });
      // All or none: a failed revision leaves the previous revision's evidence (which alerts may show)
      // intact, and since the event goes out without these paths, nothing would ever refer to (or
      // delete) files left behind; on a full disk their space would stay taken.
      await writeAllOrNone(files, this.o.writeFile);
      return { snapshot: `/media/${rel}/${eventId}.jpg`, ...(crop ? { crop: `/media/${rel}/${eventId}-crop.jpg` } : {}) };
    } catch (err) {
      this.o.onError?.(err as Error);
      return {};
    }
  }

  private async snapshotJpeg(frame: RgbImage, box: NormalisedBox): Promise<Buffer> {
    const { width, height } = frame;
    const stroke = Math.max(2, Math.round(width / 400));
    const [x, y, w, h] = box;
    const svg = Buffer.from(
      `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
        `<rect x="${(x * width).toFixed(1)}" y="${(y * height).toFixed(1)}" width="${(w * width).toFixed(1)}" height="${(h * height).toFixed(1)}" ` +
        `fill="none" stroke="#ff2d2d" stroke-width="${stroke}"/></svg>`,
    );
    const maxWidth = this.o.maxWidth ?? 1280;
    // composite() leaves an alpha channel: read the raw result back with the channel count sharp
    // reports, never an assumed 3 (that sheared the picture into three grey copies).
    const composed = await sharp(frame.data, { raw: { width, height, channels: 3 } })
      .composite([{ input: svg, top: 0, left: 0 }])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const img = sharp(composed.data, { raw: { width: composed.info.width, height: composed.info.height, channels: composed.info.channels } });
    if (width > maxWidth) img.resize(maxWidth);
    return img.jpeg({ quality: 80 }).toBuffer();
  }
}
