import sharp from "sharp";
import type { RgbImage } from "./rgb-image.js";
import { pictureForSize, Yuv420Image, Yuv420Window } from "./yuv420-image.js";

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
 * are trained. A frame exactly 2× or 3× the fitted size (ingest's 1280×720 and 1920×1080 into the
 * 640×384 plate input) is shrunk by averaging each 2×2 or 3×3 block straight into the tensor: what
 * OpenCV's INTER_AREA (Ultralytics' validation resize) gives at an integer factor, in one pass
 * (letterbox 2.8–2.9 ms per 1280×720 frame where sharp's resize and the tensor pass took 5.3–6.2 ms;
 * BENCHMARKS.md, inference-plates). A YUV frame at 2× gives its half picture, made from the planes
 * (yuv420-image.ts), which is that same block mean. Any other size is resized by sharp (SIMD), then
 * one pass over the pixels.
 */
export async function letterbox(image: RgbImage, size: InputSize, reuse?: Float32Array): Promise<Letterboxed> {
  const { width: W, height: H } = typeof size === "number" ? { width: size, height: size } : size;
  const scale = Math.min(W / image.width, H / image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const padX = Math.floor((W - w) / 2);
  const padY = Math.floor((H - h) / 2);
  const factor = image.width === 2 * w && image.height === 2 * h ? 2 : image.width === 3 * w && image.height === 3 * h ? 3 : 0;
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
  if (factor === 2 && image instanceof Yuv420Image) {
    if (!image.makeHalfInto({ into: tensor, offset: padY * W + padX, stride: W, plane })) copyToTensor(image.half().data, w, h, tensor, W, plane, padX, padY);
  }
  else if (factor === 2) shrinkBy2(image.data, image.width, w, h, tensor, W, plane, padX, padY);
  else if (image instanceof Yuv420Window && w === image.width && h === image.height) {
    // A window exactly the input's picture (plates/motion-crop.ts): converted straight into the tensor.
    if (!image.makeInto({ into: tensor, offset: padY * W + padX, stride: W, plane })) copyToTensor(image.data, w, h, tensor, W, plane, padX, padY);
  } else if (factor === 3) shrinkBy3(image.data, image.width, w, h, tensor, W, plane, padX, padY);
  else copyToTensor(await resizedTo(image, w, h), w, h, tensor, W, plane, padX, padY);
  return { tensor, scale, padX, padY };
}

function resizedTo(frame: RgbImage, w: number, h: number): Promise<Uint8Array> | Uint8Array {
  const image = pictureForSize(frame, w, h);
  if (w === image.width && h === image.height) return image.data;
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(w, h, { kernel: "linear" })
    .raw()
    .toBuffer();
}

function copyToTensor(resized: Uint8Array, w: number, h: number, tensor: Float32Array, W: number, plane: number, padX: number, padY: number): void {
  for (let y = 0; y < h; y++) {
    let src = y * w * 3;
    let dst = (y + padY) * W + padX;
    for (let x = 0; x < w; x++, src += 3, dst++) {
      tensor[dst] = resized[src]! / 255;
      tensor[dst + plane] = resized[src + 1]! / 255;
      tensor[dst + 2 * plane] = resized[src + 2]! / 255;
    }
  }
}

// The two shrinks are written out per factor and channel: a loop over the block's pixels cost 3.7× the time.
function shrinkBy2(src: Uint8Array, srcWidth: number, w: number, h: number, tensor: Float32Array, W: number, plane: number, padX: number, padY: number): void {
  const row = srcWidth * 3;
  const inv = 1 / (4 * 255);
  for (let y = 0; y < h; y++) {
    let a = 2 * y * row;
    let b = a + row;
    let dst = (y + padY) * W + padX;
    for (let x = 0; x < w; x++, a += 6, b += 6, dst++) {
      tensor[dst] = (src[a]! + src[a + 3]! + src[b]! + src[b + 3]!) * inv;
      tensor[dst + plane] = (src[a + 1]! + src[a + 4]! + src[b + 1]! + src[b + 4]!) * inv;
      tensor[dst + 2 * plane] = (src[a + 2]! + src[a + 5]! + src[b + 2]! + src[b + 5]!) * inv;
    }
  }
}

function shrinkBy3(src: Uint8Array, srcWidth: number, w: number, h: number, tensor: Float32Array, W: number, plane: number, padX: number, padY: number): void {
  const row = srcWidth * 3;
  const inv = 1 / (9 * 255);
  for (let y = 0; y < h; y++) {
    let a = 3 * y * row;
    let b = a + row;
    let c = b + row;
    let dst = (y + padY) * W + padX;
    for (let x = 0; x < w; x++, a += 9, b += 9, c += 9, dst++) {
      tensor[dst] = (src[a]! + src[a + 3]! + src[a + 6]! + src[b]! + src[b + 3]! + src[b + 6]! + src[c]! + src[c + 3]! + src[c + 6]!) * inv;
      tensor[dst + plane] = (src[a + 1]! + src[a + 4]! + src[a + 7]! + src[b + 1]! + src[b + 4]! + src[b + 7]! + src[c + 1]! + src[c + 4]! + src[c + 7]!) * inv;
      tensor[dst + 2 * plane] = (src[a + 2]! + src[a + 5]! + src[a + 8]! + src[b + 2]! + src[b + 5]! + src[b + 8]! + src[c + 2]! + src[c + 5]! + src[c + 8]!) * inv;
    }
  }
}
