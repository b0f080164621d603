/**
 * Frames are composed as RGBA in 32-bit words (one store per opaque pixel), which is what keeps
 * a 1280×720 frame with several large vehicles at a few milliseconds in plain JavaScript.
 * Words are little-endian: 0xAABBGGRR.
 */
export function asWords(buf: Buffer | Uint8Array): Uint32Array {
  if (buf.byteOffset % 4 === 0 && buf.byteLength % 4 === 0) return new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const copy = new Uint8Array(buf.byteLength - (buf.byteLength % 4));
  copy.set(buf.subarray(0, copy.length));
  return new Uint32Array(copy.buffer);
}

/** A sprite ready to draw: its pixels as words and, per row, the span that is not transparent. */
export interface Sprite {
  width: number;
  height: number;
  words: Uint32Array;
  rowStart: Int32Array;
  rowEnd: Int32Array;
}

export function toSprite(rgba: Buffer | Uint8Array, width: number, height: number): Sprite {
  const words = asWords(rgba);
  const rowStart = new Int32Array(height);
  const rowEnd = new Int32Array(height);
  for (let y = 0; y < height; y++) {
    let a = 0;
    let b = width;
    while (a < width && words[y * width + a]! >>> 24 === 0) a++;
    while (b > a && words[y * width + b - 1]! >>> 24 === 0) b--;
    rowStart[y] = a;
    rowEnd[y] = b;
  }
  return { width, height, words, rowStart, rowEnd };
}

/** Alpha-blends a sprite onto an RGBA frame at (x0, y0), clipped to the frame. */
export function blit(dst: Uint32Array, dstW: number, dstH: number, sp: Sprite, x0: number, y0: number, opacity = 1): void {
  const ys = Math.max(0, -y0);
  const ye = Math.min(sp.height, dstH - y0);
  const op = Math.round(Math.max(0, Math.min(1, opacity)) * 256);
  const src = sp.words;
  for (let y = ys; y < ye; y++) {
    const xs = Math.max(sp.rowStart[y]!, -x0);
    const xe = Math.min(sp.rowEnd[y]!, dstW - x0);
    let s = y * sp.width + xs;
    let d = (y + y0) * dstW + xs + x0;
    for (let x = xs; x < xe; x++, s++, d++) {
      const px = src[s]!;
      const a = ((px >>> 24) * op) >> 8;
      if (a === 0) continue;
      if (a >= 255) {
        dst[d] = px;
        continue;
      }
      const q = dst[d]!;
      const na = 255 - a;
      const r = ((px & 0xff) * a + (q & 0xff) * na) / 255;
      const g = (((px >>> 8) & 0xff) * a + ((q >>> 8) & 0xff) * na) / 255;
      const b = (((px >>> 16) & 0xff) * a + ((q >>> 16) & 0xff) * na) / 255;
      dst[d] = (0xff000000 | (b << 16) | (g << 8) | r) >>> 0;
    }
  }
}
