import { parsePpmHeader, pixelByteLength, type PixelFormat } from "@vigil/contracts";

/**
 * Splits ffmpeg's `image2pipe` output into frames, in buffers from `allocate` (a camera's
 * FrameBufferPool, so they are reused); from there a frame travels by reference. Two kinds of
 * picture, told apart by each one's header:
 *   - PPM (binary P6, maxval 255): packed RGB, width×height×3 bytes → `rgb24`;
 *   - PGM (P5) as ffmpeg's `pgmyuv` writes YUV 4:2:0: a grey picture 1.5× as high, the Y plane
 *     above the chroma rows → `yuv420` (layout in contracts' frame-pixels.ts), width×height×1.5.
 * Bytes arrive either read straight into `target()` (then `commit`) or as chunks read elsewhere
 * (`push`, one copy).
 */
export interface RawFrame {
  width: number;
  height: number;
  format: PixelFormat;
  data: Buffer;
}

const MAX_HEADER = 64;

export class PpmFrameReader {
  /** Header bytes of the next frame (a read may bring a few pixels after them). */
  private readonly header = Buffer.allocUnsafe(MAX_HEADER);
  private headerFilled = 0;
  private frame: Buffer | null = null;
  private filled = 0;
  private width = 0;
  private height = 0;
  private format: PixelFormat = "rgb24";

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
        const done = { width: this.width, height: this.height, format: this.format, data: this.frame };
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
    this.format = parsed.format;
    this.frame = this.allocate(pixelByteLength(parsed.format, parsed.width, parsed.height)!);
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
