import sharp from "sharp";
import type { RgbImage } from "../detectors/detector.js";

export type { RgbImage };

/** Pixel rectangle, integer coordinates inside an image. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Thrown for bytes that are not a decodable image, so callers can answer 400 instead of 500. */
export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageDecodeError";
  }
}

/** Decodes JPEG/PNG (or anything sharp reads) into packed RGB. */
export async function decodeImage(bytes: Buffer | Uint8Array, maxPixels = 8192 * 8192): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: "error" })
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageDecodeError(`expected 3 channels, got ${info.channels}`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    if (err instanceof ImageDecodeError) throw err;
    throw new ImageDecodeError(`cannot decode image: ${(err as Error).message}`);
  }
}

/** A rectangle's whole pixels inside a width × height picture, at least one pixel: [x0, x1) × [y0, y1). */
export function clampRect(rect: PixelRect, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(rect.x)));
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(rect.y)));
  const x1 = Math.max(x0 + 1, Math.min(width, Math.ceil(rect.x + rect.w)));
  const y1 = Math.max(y0 + 1, Math.min(height, Math.ceil(rect.y + rect.h)));
  return { x0, y0, x1, y1 };
}

/** Copies a rectangle out of an RGB image (clamped to the image); a picture that makes its own crops (a YUV frame) is asked to. */
export function cropRgb(image: RgbImage, rect: PixelRect): RgbImage {
  if (image.crop) return image.crop(rect);
  const { x0, y0, x1, y1 } = clampRect(rect, image.width, image.height);
  const w = x1 - x0;
  const h = y1 - y0;
  const out = Buffer.allocUnsafe(w * h * 3);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * image.width + x0) * 3;
    image.data.copy(out, y * w * 3, src, src + w * 3);
  }
  return { data: out, width: w, height: h };
}

/** Bilinear resize of packed RGB (small crops only: OCR inputs are at most a few hundred pixels). */
export function resizeRgb(image: RgbImage, width: number, height: number): RgbImage {
  const out = Buffer.allocUnsafe(width * height * 3);
  const sx = image.width / width;
  const sy = image.height / height;
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(image.height - 1, Math.floor(fy));
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(image.width - 1, Math.floor(fx));
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      const a = (y0 * image.width + x0) * 3;
      const b = (y0 * image.width + x1) * 3;
      const c = (y1 * image.width + x0) * 3;
      const d = (y1 * image.width + x1) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[a + ch]! * (1 - wx) + src[b + ch]! * wx;
        const bottom = src[c + ch]! * (1 - wx) + src[d + ch]! * wx;
        out[o + ch] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { data: out, width, height };
}

/** Grey levels (0..255) of an RGB image, one byte a pixel. */
export function toGrey(image: RgbImage): Uint8Array {
  const out = new Uint8Array(image.width * image.height);
  for (let i = 0, p = 0; i < out.length; i++, p += 3) {
    out[i] = (image.data[p]! * 77 + image.data[p + 1]! * 150 + image.data[p + 2]! * 29) >> 8;
  }
  return out;
}

/** Encodes packed RGB as JPEG. */
export async function encodeJpeg(image: RgbImage, quality = 85): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer();
}
