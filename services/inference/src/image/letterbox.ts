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

/** A model input's size in pixels; a number is a square. */
export type InputSize = number | { width: number; height: number };

/**
 * Resizes to fit the input keeping the aspect ratio and pads with grey 114, as Ultralytics models
 * are trained. Resizing is sharp's (SIMD), the rest one pass over the pixels.
 */
export async function letterbox(image: RgbImage, size: InputSize, reuse?: Float32Array): Promise<Letterboxed> {
  const { width: W, height: H } = typeof size === "number" ? { width: size, height: size } : size;
  const scale = Math.min(W / image.width, H / image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const padX = Math.floor((W - w) / 2);
  const padY = Math.floor((H - h) / 2);
  const resized =
    w === image.width && h === image.height
      ? image.data
      : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
          .resize(w, h, { kernel: "linear" })
          .raw()
          .toBuffer();
  const plane = W * H;
  const tensor = reuse && reuse.length === 3 * plane ? reuse : new Float32Array(3 * plane);
  // Only the padding needs the grey; the picture overwrites the rest.
  const grey = 114 / 255;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    tensor.fill(grey, base, base + padY * W);
    tensor.fill(grey, base + (padY + h) * W, base + plane);
    if (padX > 0 || w < W) {
      for (let y = padY; y < padY + h; y++) {
        tensor.fill(grey, base + y * W, base + y * W + padX);
        tensor.fill(grey, base + y * W + padX + w, base + (y + 1) * W);
      }
    }
  }
  for (let y = 0; y < h; y++) {
    let src = y * w * 3;
    let dst = (y + padY) * W + padX;
    for (let x = 0; x < w; x++, src += 3, dst++) {
      tensor[dst] = resized[src]! / 255;
      tensor[dst + plane] = resized[src + 1]! / 255;
      tensor[dst + 2 * plane] = resized[src + 2]! / 255;
    }
  }
  return { tensor, scale, padX, padY };
}
