/**
 * Splits ffmpeg's `image2pipe` PPM output (binary P6, maxval 255) into frames of exactly
 * width×height×3 bytes, in buffers from `allocate` (a camera's FrameBufferPool, so they are
 * reused); from there a frame travels by reference. Bytes arrive either read straight into
 * `target()` (then `commit`) or as chunks read elsewhere (`push`, one copy).
 */
export interface RawFrame {
  width: number;
  height: number;
  data: Buffer;
}

const MAX_HEADER = 64;
const MAX_DIM = 8192;

export class PpmFrameReader {
  /** Header bytes of the next frame (a read may bring a few pixels after them). */
  private readonly header = Buffer.allocUnsafe(MAX_HEADER);
  private headerFilled = 0;
  private frame: Buffer | null = null;
  private filled = 0;
  private width = 0;
  private height = 0;

  constructor(
    private readonly onFrame: (frame: RawFrame) => void,
    private readonly allocate: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
  ) {}

  /**
   * Where the next bytes of the stream belong: the rest of the current frame, or room for the
   * next header. A reader that can read into a given buffer (net.Socket's `onread`) reads there
   * and calls `commit`, so pixels go from the pipe into the frame with no chunk in between.
   */
  target(): Buffer {
    return this.frame ? this.frame.subarray(this.filled) : this.header.subarray(this.headerFilled);
  }

  /** `n` bytes were written at `target()`; throws on data that is not a PPM stream (the caller restarts ffmpeg). */
  commit(n: number): void {
    if (this.frame) {
      this.filled += n;
      if (this.filled === this.frame.length) {
        const done = { width: this.width, height: this.height, data: this.frame };
        this.frame = null;
        this.onFrame(done);
      }
      return;
    }
    this.headerFilled += n;
    const parsed = parsePpmHeader(this.header.subarray(0, this.headerFilled));
    if (parsed === "incomplete") {
      if (this.headerFilled >= MAX_HEADER) throw new Error("ffmpeg output is not a PPM stream (header too long)");
      return;
    }
    // Bytes read past the header are the frame's first pixels (or, for a tiny frame, more).
    const rest = this.headerFilled > parsed.headerLength ? Buffer.from(this.header.subarray(parsed.headerLength, this.headerFilled)) : undefined;
    this.headerFilled = 0;
    this.width = parsed.width;
    this.height = parsed.height;
    this.frame = this.allocate(parsed.width * parsed.height * 3);
    this.filled = 0;
    if (rest) this.push(rest);
  }

  /** Feeds a chunk read elsewhere (a pipe's 'data' event); one copy, into the frame. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const into = this.target();
      const n = Math.min(into.length, chunk.length - offset);
      chunk.copy(into, 0, offset, offset + n);
      offset += n;
      this.commit(n);
    }
  }
}

export function parsePpmHeader(buf: Buffer): { width: number; height: number; headerLength: number } | "incomplete" {
  if (buf.length >= 1 && buf[0] !== 0x50) throw new Error("ffmpeg output is not a PPM stream");
  if (buf.length >= 2 && buf[1] !== 0x36) throw new Error("ffmpeg output is not a binary RGB PPM (P6) stream");
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
  const [width, height, maxval] = values as [number, number, number];
  if (maxval !== 255) throw new Error(`unsupported PPM maxval ${maxval}`);
  if (!width || !height || width > MAX_DIM || height > MAX_DIM) throw new Error(`bad PPM size ${width}x${height}`);
  return { width, height, headerLength: i + 1 };
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}
