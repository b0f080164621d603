import sharp from "sharp";
import type { RgbImage } from "./rgb-image.js";

export interface Letterboxed {
  /** NCHW float32, RGB / 255. */
  tensor: Float32Array;
  /** Scale from source pixels to model pixels. */
  scale: number;
  padX: number;
  padY: number;
}

/**
 * Resizes to fit a size×size square keeping the aspect ratio and pads with grey 114, as
 * Ultralytics models are trained. Resizing is sharp's (SIMD), the rest one pass over the pixels.
 */
export async function letterbox(image: RgbImage, size: number, reuse?: Float32Array): Promise<Letterboxed> {
  const scale = Math.min(size / image.width, size / image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const padX = Math.floor((size - w) / 2);
  const padY = Math.floor((size - h) / 2);
  const resized =
    w === image.width && h === image.height
      ? image.data
      : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
          .resize(w, h, { kernel: "linear" })
          .raw()
          .toBuffer();
  const plane = size * size;
  const tensor = reuse && reuse.length === 3 * plane ? reuse : new Float32Array(3 * plane);
  // Only the padding needs the grey; the picture overwrites the rest.
  const grey = 114 / 255;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    tensor.fill(grey, base, base + padY * size);
    tensor.fill(grey, base + (padY + h) * size, base + plane);
    if (padX > 0 || w < size) {
      for (let y = padY; y < padY + h; y++) {
        tensor.fill(grey, base + y * size, base + y * size + padX);
        tensor.fill(grey, base + y * size + padX + w, base + (y + 1) * size);
      }
    }
  }
  for (let y = 0; y < h; y++) {
    let src = y * w * 3;
    let dst = (y + padY) * size + padX;
    for (let x = 0; x < w; x++, src += 3, dst++) {
      tensor[dst] = resized[src]! / 255;
      tensor[dst + plane] = resized[src + 1]! / 255;
      tensor[dst + 2 * plane] = resized[src + 2]! / 255;
    }
  }
  return { tensor, scale, padX, padY };
}
