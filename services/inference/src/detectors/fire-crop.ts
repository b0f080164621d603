import { yuv420Planes, type NormalisedBox } from "@vigil/contracts";
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
 * enlarging. Plain JavaScript: a few crops a frame cost well under a millisecond and stay off
 * sharp's thread pool, which the frame decoding needs. A YUV frame converts only the pixels of the square (a
 * shrunk one straight from its planes: boxMeansFromYuv).
 */
export function cropToNchw(image: RgbImage, square: [number, number, number], size: number, out: Float32Array, offset: number): void {
  const [left, top, side] = square;
  if (image instanceof Yuv420Image) {
    if (side > size) boxMeansFromYuv(image, square, size, out, offset);
    else cropToNchw(image.crop({ x: left, y: top, w: side, h: side }), [0, 0, side], size, out, offset);
    return;
  }
  const plane = size * size;
  const scale = side / size;
  const src = image.data;
  const stride = image.width * 3;
  for (let oy = 0; oy < size; oy += 1) {
    for (let ox = 0; ox < size; ox += 1) {
      let r = 0, g = 0, b = 0;
      if (scale > 1) {
        const x0 = left + Math.floor(ox * scale), x1 = Math.max(x0 + 1, left + Math.floor((ox + 1) * scale));
        const y0 = top + Math.floor(oy * scale), y1 = Math.max(y0 + 1, top + Math.floor((oy + 1) * scale));
        for (let yy = y0; yy < y1; yy += 1) {
          let i = yy * stride + x0 * 3;
          for (let xx = x0; xx < x1; xx += 1, i += 3) {
            r += src[i]!;
            g += src[i + 1]!;
            b += src[i + 2]!;
          }
        }
        const n = (x1 - x0) * (y1 - y0);
        r /= n; g /= n; b /= n;
      } else {
        const fx = Math.min(side - 1, Math.max(0, (ox + 0.5) * scale - 0.5));
        const fy = Math.min(side - 1, Math.max(0, (oy + 0.5) * scale - 0.5));
        const ix = Math.floor(fx), iy = Math.floor(fy);
        const ax = fx - ix, ay = fy - iy;
        const jx = Math.min(side - 1, ix + 1), jy = Math.min(side - 1, iy + 1);
        const at = (px: number, py: number, c: number) => src[(top + py) * stride + (left + px) * 3 + c]!;
        const mix = (c: number) => (at(ix, iy, c) * (1 - ax) + at(jx, iy, c) * ax) * (1 - ay) + (at(ix, jy, c) * (1 - ax) + at(jx, jy, c) * ax) * ay;
        r = mix(0); g = mix(1); b = mix(2);
      }
      const p = oy * size + ox;
      out[offset + p] = r / 255;
      out[offset + plane + p] = g / 255;
      out[offset + 2 * plane + p] = b / 255;
    }
  }
}

/**
 * cropToNchw's shrinking branch straight from a YUV frame's planes: each pixel of each box converted as contracts'
 * yuv420ToRgb converts it (same integer BT.601, clipped per pixel) and summed in the same order, so the tensor is
 * bit-identical to converting the square first and box-averaging it, without writing and re-reading the converted
 * square (a 700 px one is 1.5 MB: most of the chain's cost on a frame with fire, bench/fire-inference.ts).
 */
function boxMeansFromYuv(image: Yuv420Image, [left, top, side]: [number, number, number], size: number, out: Float32Array, offset: number): void {
  const { yuv, width, height } = image;
  const { u: uBase, v: vBase, chromaStride } = yuv420Planes(width, height);
  const plane = size * size;
  const scale = side / size;
  for (let oy = 0; oy < size; oy += 1) {
    const y0 = top + Math.floor(oy * scale), y1 = Math.max(y0 + 1, top + Math.floor((oy + 1) * scale));
    for (let ox = 0; ox < size; ox += 1) {
      const x0 = left + Math.floor(ox * scale), x1 = Math.max(x0 + 1, left + Math.floor((ox + 1) * scale));
      let r = 0, g = 0, b = 0;
      for (let yy = y0; yy < y1; yy += 1) {
        const yRow = yy * width;
        const cRow = (yy >> 1) * chromaStride;
        for (let xx = x0; xx < x1; xx += 1) {
          const ci = cRow + (xx >> 1);
          const c = 298 * (yuv[yRow + xx]! - 16) + 128;
          const d = yuv[uBase + ci]! - 128;
          const e = yuv[vBase + ci]! - 128;
          const rr = (c + 409 * e) >> 8;
          const gg = (c - 100 * d - 208 * e) >> 8;
          const bb = (c + 516 * d) >> 8;
          r += rr < 0 ? 0 : rr > 255 ? 255 : rr;
          g += gg < 0 ? 0 : gg > 255 ? 255 : gg;
          b += bb < 0 ? 0 : bb > 255 ? 255 : bb;
        }
      }
      const n = (x1 - x0) * (y1 - y0);
      r /= n; g /= n; b /= n;
      const p = oy * size + ox;
      out[offset + p] = r / 255;
      out[offset + plane + p] = g / 255;
      out[offset + 2 * plane + p] = b / 255;
    }
  }
}
