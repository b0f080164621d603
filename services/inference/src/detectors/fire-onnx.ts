import sharp from "sharp";
import { findModel, modelPath } from "../models/manifest.js";
import { createSession, type ort } from "../runtime/onnx-session.js";
import { pictureForSize, Yuv420Image } from "../image/yuv420-image.js";
import type { RgbImage } from "./detector.js";

/** Vigil's own fire model, committed with the project (manifest entry "vigil-fire-grid"; no download). */
export const VIGIL_FIRE_MODEL_PATH = modelPath(findModel("vigil-fire-grid"), "");

/** The shared session settings (runtime/onnx-session.ts), with at least one intra-op thread. */
export function createFireSession(path: string, threads: number): Promise<ort.InferenceSession> {
  return createSession(path, { threads: Math.max(1, threads) });
}

/**
 * Resizes packed RGB to exactly width × height (no letterbox) and returns packed RGB. A YUV frame
 * is resized from its half picture when that is still larger (a 1280 × 720 frame into the grid's
 * 384 × 224): libvips would first average 2 × 2 blocks anyway (its shrink-then-reduce), and the frame's
 * full RGB is never made.
 */
export async function resizeRgb(frame: RgbImage, width: number, height: number): Promise<Buffer> {
  const image = pictureForSize(frame, width, height);
  if (image.width === width && image.height === height) return image.data;
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
}

/** Packed RGB bytes → float32 NCHW, scaled to 0..1, with an optional constant pad value. */
export function rgbToNchw(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0, p = 0; p < plane; p += 1, i += 3) {
    out[p] = rgb[i]! / 255;
    out[plane + p] = rgb[i + 1]! / 255;
    out[2 * plane + p] = rgb[i + 2]! / 255;
  }
  return out;
}

/** Checks the image buffer before handing it to native code, so bad input is a clear error. */
export function assertRgbImage(image: RgbImage): void {
  if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width <= 0 || image.height <= 0) {
    throw new Error(`invalid image size ${image.width}x${image.height}`);
  }
  // A YUV frame checked its planes when made, and its `data` would convert the whole picture.
  if (!(image instanceof Yuv420Image) && image.data.length !== image.width * image.height * 3) {
    throw new Error(`image buffer has ${image.data.length} bytes, expected ${image.width * image.height * 3} (packed RGB)`);
  }
}
