/**
 * Pixel layouts a frame's bytes may have (frame header `format`), and the one YUV → RGB conversion
 * every service uses, so that a frame converted in ingest (JPEG for another host) and in inference
 * gives the same pixels.
 *
 * `yuv420`: 8-bit Y'CbCr 4:2:0 as ffmpeg's `pgmyuv` image writes it, width and height even:
 *   - the Y plane, width × height bytes;
 *   - then height/2 rows, each the U (Cb) row then the V (Cr) row of width/2 bytes.
 * So U and V are planes of (width/2) × (height/2) with a row stride of `width` bytes, starting at
 * width·height and width·height + width/2. 1.5 bytes a pixel: half of rgb24, which is what ingest
 * saves in ffmpeg's conversion and in every byte moved (bench/ingest-capacity.ts).
 */
export type PixelFormat = "rgb24" | "yuv420";

/**
 * Which ffmpeg filter scales ingest's pictures: zscale (zimg) or scale (swscale). Same size, same
 * bilinear kernel, pictures within rounding of each other (ingest's ffmpeg-scalers.test.ts); zimg's
 * is the cheaper on a 1080p → 720p step (bench/ingest-capacity.ts), but only ffmpeg builds with
 * libzimg have it (Debian's, so the Docker image's, do).
 */
export type FrameScaler = "zscale" | "swscale";

/**
 * The scaler ingest uses unless told otherwise (INGEST_SCALER), and the one evaluations and benchmarks assume:
 * swscale, which every ffmpeg has. zimg reads 0.53 point fewer plates exactly (bench/ingest-scaler-plates.ts).
 */
export const DEFAULT_FRAME_SCALER: FrameScaler = "swscale";

/**
 * The ffmpeg filter chain that makes a picture `width` px wide (height by the aspect ratio, even) in
 * YUV 4:2:0: what ingest runs (its ffmpeg-args.ts) and what eval:plates runs to see frames as ingest
 * hands them over. zimg refuses two kinds of picture swscale takes: odd sizes in 4:2:0 ("image
 * dimensions must be divisible by subsampling factor") and frames whose colour tags it cannot map (an
 * RGB source: "YUV color family cannot have RGB matrix coefficients"). So the zscale chain first drops
 * an odd last row or column and converts to YUV 4:2:0; for the usual H.264/H.265 camera stream (even
 * size, already 4:2:0) both steps pass the frame through untouched.
 */
export function frameScaleFilter(width: number, scaler: FrameScaler): string {
  return scaler === "zscale" ? `crop=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p,zscale=w=${width}:h=-2:filter=bilinear` : `scale=${width}:-2:flags=bilinear,format=yuv420p`;
}

/** Bytes of a width × height picture in `format`; undefined for a yuv420 picture of odd size (not representable). */
export function pixelByteLength(format: PixelFormat, width: number, height: number): number | undefined {
  if (format === "rgb24") return width * height * 3;
  if (width % 2 !== 0 || height % 2 !== 0) return undefined;
  return (width * height * 3) / 2;
}

/** Where the planes of a yuv420 picture start, and the chroma row stride (see the layout above). */
export function yuv420Planes(width: number, height: number): { u: number; v: number; chromaStride: number } {
  return { u: width * height, v: width * height + width / 2, chromaStride: width };
}

/**
 * Packed RGB of the rectangle [x0, x1) × [y0, y1) of a yuv420 picture (each chroma sample serves its
 * 2 × 2 pixels, as swscale's unscaled path does). The whole picture is the default rectangle.
 * BT.601 with limited ("TV") range, in the 8.8 fixed point of the usual integer formulation: what
 * swscale does for a stream that carries no colour metadata (most cameras), i.e. the rgb24 frames
 * ingest handed over before; the two agree to within a few levels (frame-pixels.test.ts, against ffmpeg).
 * `planar`, when given, also receives the pixels as float 0..1 planes, as for yuv420ToHalfRgb below.
 */
export function yuv420ToRgb(data: Uint8Array, width: number, height: number, rect?: { x0: number; y0: number; x1: number; y1: number }, out?: Uint8Array, planar?: PlanarTarget): Uint8Array {
  const { x0, y0, x1, y1 } = rect ?? { x0: 0, y0: 0, x1: width, y1: height };
  const w = x1 - x0;
  const target = out ?? new Uint8Array(w * (y1 - y0) * 3);
  const { u: uBase, v: vBase, chromaStride } = yuv420Planes(width, height);
  const inv = 1 / 255;
  let o = 0;
  for (let y = y0; y < y1; y++) {
    const yRow = y * width;
    const cRow = (y >> 1) * chromaStride;
    const f = planar ? planar.offset + (y - y0) * planar.stride - x0 : 0;
    // The pixel's conversion is written out here, in yuv420ToHalfRgb and in yuv420BoxShrink: a shared helper cost
    // ~10 % (measured).
    for (let x = x0; x < x1; x++, o += 3) {
      const ci = cRow + (x >> 1);
      const c = 298 * (data[yRow + x]! - 16) + 128;
      const d = data[uBase + ci]! - 128;
      const e = data[vBase + ci]! - 128;
      const r = (c + 409 * e) >> 8;
      const g = (c - 100 * d - 208 * e) >> 8;
      const b = (c + 516 * d) >> 8;
      const rc = r < 0 ? 0 : r > 255 ? 255 : r;
      const gc = g < 0 ? 0 : g > 255 ? 255 : g;
      const bc = b < 0 ? 0 : b > 255 ? 255 : b;
      target[o] = rc;
      target[o + 1] = gc;
      target[o + 2] = bc;
      if (planar) {
        const t = planar.into;
        t[f + x] = rc * inv;
        t[f + x + planar.plane] = gc * inv;
        t[f + x + 2 * planar.plane] = bc * inv;
      }
    }
  }
  return target;
}

/** Where a conversion also writes float 0..1 planes: R, G, B `plane` apart, the picture's row y at `offset + y · stride`. */
export interface PlanarTarget {
  into: Float32Array;
  offset: number;
  stride: number;
  plane: number;
}

/**
 * The picture at half its width and height, packed RGB: each 2 × 2 block's mean Y with the block's
 * own chroma sample, i.e. the block mean of the full-size RGB (the conversion is affine; only clipping
 * differs) without making the full-size picture. A 1280 × 720 frame gives the 640 × 360 picture the
 * plate detector and the fire grid look at, for a quarter of the pixels a full conversion touches.
 * `planar`, when given, receives the same pixels in the same pass as float 0..1 in three planes
 * (PlanarTarget): a model's NCHW input.
 */
export function yuv420ToHalfRgb(data: Uint8Array, width: number, height: number, out?: Uint8Array, planar?: PlanarTarget): Uint8Array {
  const w = width >> 1;
  const h = height >> 1;
  const target = out ?? new Uint8Array(w * h * 3);
  const { u: uBase, v: vBase, chromaStride } = yuv420Planes(width, height);
  const inv = 1 / 255;
  let o = 0;
  for (let y = 0; y < h; y++) {
    let a = 2 * y * width;
    let b = a + width;
    const cRow = y * chromaStride;
    const f = planar ? planar.offset + y * planar.stride : 0;
    for (let x = 0; x < w; x++, a += 2, b += 2, o += 3) {
      // 298 · (mean − 16) with the mean kept as a sum of four: (298 · sum) / 4 = 74.5 · sum.
      const c = ((298 * (data[a]! + data[a + 1]! + data[b]! + data[b + 1]!)) >> 2) - 298 * 16 + 128;
      const d = data[uBase + cRow + x]! - 128;
      const e = data[vBase + cRow + x]! - 128;
      const r = (c + 409 * e) >> 8;
      const g = (c - 100 * d - 208 * e) >> 8;
      const bl = (c + 516 * d) >> 8;
      const rc = r < 0 ? 0 : r > 255 ? 255 : r;
      const gc = g < 0 ? 0 : g > 255 ? 255 : g;
      const bc = bl < 0 ? 0 : bl > 255 ? 255 : bl;
      target[o] = rc;
      target[o + 1] = gc;
      target[o + 2] = bc;
      if (planar) {
        const t = planar.into;
        t[f + x] = rc * inv;
        t[f + x + planar.plane] = gc * inv;
        t[f + x + 2 * planar.plane] = bc * inv;
      }
    }
  }
  return target;
}

/**
 * A square [left, top, side] of a yuv420 picture shrunk to size × size (side > size) by box means, into float
 * 0..1 planes (R, G, B `size²` apart from `offset`): each output pixel the mean of the pixels of its box
 * ([left + ⌊i·side/size⌋, left + ⌊(i+1)·side/size⌋), at least one), each converted and clipped as yuv420ToRgb
 * converts it. So it equals yuv420ToRgb of the square then box-averaged, bit for bit, without writing and
 * re-reading the converted square (the fire verifier's crops, up to 720 px a side: services/inference fire-crop.ts).
 */
export function yuv420BoxShrink(data: Uint8Array, width: number, height: number, square: [number, number, number], size: number, into: Float32Array, offset: number): void {
  const [left, top, side] = square;
  const { u: uBase, v: vBase, chromaStride } = yuv420Planes(width, height);
  const plane = size * size;
  const scale = side / size;
  for (let oy = 0; oy < size; oy += 1) {
    const y0 = top + Math.floor(oy * scale), y1 = Math.max(y0 + 1, top + Math.floor((oy + 1) * scale));
    for (let ox = 0; ox < size; ox += 1) {
      const x0 = left + Math.floor(ox * scale), x1 = Math.max(x0 + 1, left + Math.floor((ox + 1) * scale));
      let r = 0, g = 0, b = 0;
      for (let y = y0; y < y1; y += 1) {
        const yRow = y * width;
        const cRow = (y >> 1) * chromaStride;
        for (let x = x0; x < x1; x += 1) {
          const ci = cRow + (x >> 1);
          const c = 298 * (data[yRow + x]! - 16) + 128;
          const d = data[uBase + ci]! - 128;
          const e = data[vBase + ci]! - 128;
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
      into[offset + p] = r / 255;
      into[offset + plane + p] = g / 255;
      into[offset + 2 * plane + p] = b / 255;
    }
  }
}

/** Largest picture side a header may declare (a corrupt header must not make anyone allocate gigabytes). */
const MAX_PICTURE_SIDE = 8192;

/**
 * The header of one picture of ffmpeg's image2pipe output, PPM (P6: rgb24) or pgmyuv (P5: yuv420, layout above): its
 * size as a frame (a pgmyuv picture's height is that of its Y plane), pixel format and header length, or "incomplete"
 * while more bytes are needed. Throws on anything else. Ingest's frame reader and the tools that decode clips as ingest
 * does (services/inference image/ingest-frames.ts, eval:plates) read pictures with it.
 */
export function parsePpmHeader(buf: Uint8Array): { width: number; height: number; format: PixelFormat; headerLength: number } | "incomplete" {
  if (buf.length >= 1 && buf[0] !== 0x50) throw new Error("ffmpeg output is not a PPM stream");
  if (buf.length >= 2 && buf[1] !== 0x36 && buf[1] !== 0x35) throw new Error("ffmpeg output is not a binary PPM (P6) or pgmyuv (P5) stream");
  const values: number[] = [];
  let i = 2;
  while (values.length < 3) {
    // Skip whitespace and comments between fields.
    while (i < buf.length && (isSpace(buf[i]!) || buf[i] === 0x23)) {
      if (buf[i] === 0x23) {
        while (i < buf.length && buf[i] !== 0x0a) i++;
      } else i++;
    }
    if (i >= buf.length) return "incomplete";
    let v = 0;
    const start = i;
    while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) v = v * 10 + (buf[i++]! - 0x30);
    if (i === start) throw new Error("malformed PPM header");
    if (i >= buf.length) return "incomplete";
    values.push(v);
  }
  // Exactly one whitespace byte separates maxval from the pixels.
  if (!isSpace(buf[i]!)) throw new Error("malformed PPM header");
  const [width, rows, maxval] = values as [number, number, number];
  if (maxval !== 255) throw new Error(`unsupported PPM maxval ${maxval}`);
  if (buf[1] === 0x36) {
    if (!width || !rows || width > MAX_PICTURE_SIDE || rows > MAX_PICTURE_SIDE) throw new Error(`bad PPM size ${width}x${rows}`);
    return { width, height: rows, format: "rgb24", headerLength: i + 1 };
  }
  // pgmyuv: rows = height × 3/2, the picture's width and height even.
  const height = (rows * 2) / 3;
  if (!width || !height || width % 2 !== 0 || !Number.isInteger(height) || height % 2 !== 0 || width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE) {
    throw new Error(`bad pgmyuv size ${width}x${rows} (a 4:2:0 picture of even width and height is ${width} × 1.5·height)`);
  }
  return { width, height, format: "yuv420", headerLength: i + 1 };
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}
