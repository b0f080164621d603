/**
 * Splits ffmpeg's `image2pipe` PPM output (binary P6, maxval 255) into frames. Each frame is
 * copied once, from the pipe's 64 KiB chunks into one buffer of exactly width×height×3 bytes
 * (from `allocate`: a camera's FrameBufferPool, so the buffers are reused); from there it travels
 * by reference.
 */
export interface RawFrame {
  width: number;
  height: number;
  data: Buffer;
}

const MAX_HEADER = 64;
const MAX_DIM = 8192;

export class PpmFrameReader {
  private header = Buffer.alloc(0);
  private frame: Buffer | null = null;
  private filled = 0;
  private width = 0;
  private height = 0;

  constructor(
    private readonly onFrame: (frame: RawFrame) => void,
    private readonly allocate: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
  ) {}

  /** Feeds a chunk; throws on data that is not a PPM stream (the caller restarts ffmpeg). */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frame) {
        const n = Math.min(chunk.length - offset, this.frame.length - this.filled);
        chunk.copy(this.frame, this.filled, offset, offset + n);
        this.filled += n;
        offset += n;
        if (this.filled === this.frame.length) {
          const done = { width: this.width, height: this.height, data: this.frame };
          this.frame = null;
          this.onFrame(done);
        }
        continue;
      }
      // Header bytes: accumulate until the full "P6 w h 255<ws>" is there.
      const take = Math.min(chunk.length - offset, MAX_HEADER - this.header.length);
      const candidate = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
      const parsed = parsePpmHeader(candidate);
      if (parsed === "incomplete") {
        if (candidate.length >= MAX_HEADER) throw new Error("ffmpeg output is not a PPM stream (header too long)");
        this.header = candidate;
        offset += take;
        continue;
      }
      const consumedFromChunk = parsed.headerLength - this.header.length;
      offset += consumedFromChunk;
      this.header = Buffer.alloc(0);
      this.width = parsed.width;
      this.height = parsed.height;
      this.frame = this.allocate(parsed.width * parsed.height * 3);
      this.filled = 0;
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
