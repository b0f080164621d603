import { yuv420BoxShrink, type NormalisedBox } from "@vigil/contracts";
import { Yuv420Image } from "../image/yuv420-image.js";
import type { RgbImage } from "./detector.js";

/** How the verifier's crop is cut around a candidate box (the sidecar's `crop`, = train_verifier.py). */
export interface CropGeometry {
  /** Crop side = context × the box's longer side, in pixels. */
  context: number;
  /** Smallest side as a fraction of the frame's shorter side. */
  minSide: number;
  minSidePx: number;
}

/** The square crop [left, top, side] in pixels, kept inside the frame (same rule as crop_box in train_verifier.py). */
export function cropSquare(bbox: NormalisedBox, width: number, height: number, g: CropGeometry): [number, number, number] {
  const [x, y, w, h] = bbox;
  let side = Math.max(w * width, h * height) * g.context;
  side = Math.max(side, g.minSide * Math.min(width, height), g.minSidePx);
  // whole pixels first, so that left + side never passes the frame's edge (rounding both could by one)
  const px = Math.round(Math.min(side, Math.min(width, height)));
  const cx = (x + w / 2) * width;
  const cy = (y + h / 2) * height;
  const left = Math.round(Math.min(Math.max(cx - px / 2, 0), width - px));
  const top = Math.round(Math.min(Math.max(cy - px / 2, 0), height - px));
  return [left, top, px];
}

/**
 * Cuts a square and resizes it to size × size straight into a float32 NCHW tensor slot (RGB / 255):
 * box-averaging when shrinking (what PIL's antialiased resize does in training), bilinear when
 * enlarging. Plain JavaScript, off sharp's thread pool, which the frame decoding needs. A YUV frame converts only the
 * pixels it must: see below.
 */
export function cropToNchw(image: RgbImage, square: [number, number, number], size: number, out: Float32Array, offset: number): void {
  const [left, top, side] = square;
  if (image instanceof Yuv420Image) {
    // A square at least twice the input's side is box-shrunk from the half picture, which the grid made for this frame
    // already: a quarter of the pixels and none converted (~1.6 → ~0.5 ms for a 500 px square on a 2-core host).
    // Smaller shrinks come straight from the planes (bit-identical to converting the square first), enlargements from
    // the converted square.
    if (side >= 2 * size) halfPictureShrink(image.half(), square, size, out, offset);
    else if (side > size) yuv420BoxShrink(image.yuv, image.width, image.height, square, size, out, offset);
    else cropToNchw(image.crop({ x: left, y: top, w: side, h: side }), [0, 0, side], size, out, offset);
    return;
  }
  const plane = size * size;
  const scale = side / size;
  const src = image.data;
  const stride = image.width * 3;
  for (let oy = 0; oy < size; oy += 1) {
    for (let ox = 0; ox < size; ox += 1) {
      const p = offset + oy * size + ox;
      if (scale > 1) {
        const x0 = left + Math.floor(ox * scale), x1 = Math.max(x0 + 1, left + Math.floor((ox + 1) * scale));
        const y0 = top + Math.floor(oy * scale), y1 = Math.max(y0 + 1, top + Math.floor((oy + 1) * scale));
        writeBoxMean(image, x0, x1, y0, y1, out, p, plane);
        continue;
      }
      const fx = Math.min(side - 1, Math.max(0, (ox + 0.5) * scale - 0.5));
      const fy = Math.min(side - 1, Math.max(0, (oy + 0.5) * scale - 0.5));
      const ix = Math.floor(fx), iy = Math.floor(fy);
      const ax = fx - ix, ay = fy - iy;
      const jx = Math.min(side - 1, ix + 1), jy = Math.min(side - 1, iy + 1);
      const at = (px: number, py: number, c: number) => src[(top + py) * stride + (left + px) * 3 + c]!;
      const mix = (c: number) => (at(ix, iy, c) * (1 - ax) + at(jx, iy, c) * ax) * (1 - ay) + (at(ix, jy, c) * (1 - ax) + at(jx, jy, c) * ax) * ay;
      out[p] = mix(0) / 255;
      out[p + plane] = mix(1) / 255;
      out[p + 2 * plane] = mix(2) / 255;
    }
  }
}

/** The mean colour of the pixels [x0, x1) × [y0, y1) of packed RGB, written as 0..1 at p, p + plane, p + 2 plane. */
function writeBoxMean(image: RgbImage, x0: number, x1: number, y0: number, y1: number, out: Float32Array, p: number, plane: number): void {
  const src = image.data;
  const stride = image.width * 3;
  let r = 0, g = 0, b = 0;
  for (let y = y0; y < y1; y += 1) {
    let i = y * stride + x0 * 3;
    for (let x = x0; x < x1; x += 1, i += 3) {
      r += src[i]!;
      g += src[i + 1]!;
      b += src[i + 2]!;
    }
  }
  const n = (x1 - x0) * (y1 - y0);
  // the mean first, then / 255: the same floats as contracts' yuv420BoxShrink (yuv420-image.test.ts compares bits)
  out[p] = r / n / 255;
  out[p + plane] = g / n / 255;
  out[p + 2 * plane] = b / n / 255;
}

/**
 * cropToNchw's box shrink of a frame's square [left, top, side] (frame pixels), read from the frame's half picture:
 * each output pixel's box edges are the full-resolution ones rounded to the half picture's 2-pixel grid, so that a
 * box moves by at most one frame pixel on each edge (the grid cells that place the square are 53 pixels wide).
 */
function halfPictureShrink(half: RgbImage, square: [number, number, number], size: number, out: Float32Array, offset: number): void {
  const [left, top, side] = square;
  const plane = size * size;
  const scale = side / size;
  const edge = (start: number, i: number, limit: number) => Math.min(limit, (start + Math.floor(i * scale) + 1) >> 1);
  for (let oy = 0; oy < size; oy += 1) {
    const y0 = edge(top, oy, half.height - 1), y1 = Math.max(y0 + 1, edge(top, oy + 1, half.height));
    for (let ox = 0; ox < size; ox += 1) {
      const x0 = edge(left, ox, half.width - 1), x1 = Math.max(x0 + 1, edge(left, ox + 1, half.width));
      writeBoxMean(half, x0, x1, y0, y1, out, offset + oy * size + ox, plane);
    }
  }
}
