import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { NormalisedBox } from "@vigil/contracts";
import sharp from "sharp";
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
}

/**
 * Writes the evidence JPEGs of an event: the frame with the plate's box drawn, and the plate crop,
 * at `<mediaDir>/<cameraId>/<yyyy-mm-dd>/<eventId>.jpg` and `…-crop.jpg`. The alerts service
 * serves the same directory at `/media/`. A failed write (disk full) never loses the event: the
 * caller publishes without the paths.
 */
export class EvidenceWriter {
  constructor(private readonly o: EvidenceWriterOptions) {}

  async write(cameraId: string, eventId: string, ts: Date, frame: RgbImage, box: NormalisedBox, crop: RgbImage | undefined): Promise<EvidencePaths> {
    const day = ts.toISOString().slice(0, 10);
    const rel = `${cameraId}/${day}`;
    try {
      await mkdir(path.join(this.o.mediaDir, rel), { recursive: true });
      const snapshot = await this.snapshotJpeg(frame, box);
      await writeFile(path.join(this.o.mediaDir, rel, `${eventId}.jpg`), snapshot);
      const out: EvidencePaths = { snapshot: `/media/${rel}/${eventId}.jpg` };
      if (crop) {
        await writeFile(path.join(this.o.mediaDir, rel, `${eventId}-crop.jpg`), await encodeJpeg(crop, 90));
        out.crop = `/media/${rel}/${eventId}-crop.jpg`;
      }
      return out;
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
    const composed = await sharp(frame.data, { raw: { width, height, channels: 3 } })
      .composite([{ input: svg, top: 0, left: 0 }])
      .raw()
      .toBuffer();
    const img = sharp(composed, { raw: { width, height, channels: 3 } });
    if (width > maxWidth) img.resize(maxWidth);
    return img.jpeg({ quality: 80 }).toBuffer();
  }
}
