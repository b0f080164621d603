import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameBufferPool } from "./frame-buffer-pool.js";
import { PpmFrameReader, type RawFrame } from "./ppm-frame-reader.js";

function ppm(width: number, height: number, fill: number): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), Buffer.alloc(width * height * 3, fill)]);
}

describe("PpmFrameReader", () => {
  it("splits a stream into exact frames however it is chunked", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 40 }), (cuts) => {
        const stream = Buffer.concat([ppm(7, 5, 1), ppm(7, 5, 2), ppm(4, 3, 3)]);
        const frames: RawFrame[] = [];
        const reader = new PpmFrameReader((f) => frames.push(f));
        let pos = 0;
        let i = 0;
        while (pos < stream.length) {
          const n = cuts[i++ % cuts.length]!;
          reader.push(stream.subarray(pos, pos + n));
          pos += n;
        }
        expect(frames.map((f) => [f.width, f.height, f.data.length, f.data[0]])).toEqual([
          [7, 5, 105, 1],
          [7, 5, 105, 2],
          [4, 3, 36, 3],
        ]);
      }),
    );
  });

  it("fills buffers from its allocator, so a camera's pool can hand the same one out again", () => {
    const pool = new FrameBufferPool();
    const frames: RawFrame[] = [];
    const reader = new PpmFrameReader((f) => {
      frames.push({ ...f, data: Buffer.from(f.data) }); // what the frame held when it was delivered
      pool.release(f.data); // done with it, as the sink would be
    }, (size) => pool.take(size));
    reader.push(Buffer.concat([ppm(7, 5, 1), ppm(7, 5, 2), ppm(7, 5, 3)]));
    expect(frames.map((f) => [f.data.length, f.data[0], f.data.at(-1)])).toEqual([
      [105, 1, 1],
      [105, 2, 2],
      [105, 3, 3],
    ]);
    expect([pool.allocated, pool.reused]).toEqual([1, 2]);
  });

  it("reads ffmpeg's pgmyuv pictures as yuv420 frames of the Y plane's size, between PPM ones", () => {
    const pgmyuv = (w: number, h: number, fill: number) => Buffer.concat([Buffer.from(`P5\n${w} ${(h * 3) / 2}\n255\n`), Buffer.alloc((w * h * 3) / 2, fill)]);
    const frames: RawFrame[] = [];
    const reader = new PpmFrameReader((f) => frames.push(f));
    const stream = Buffer.concat([pgmyuv(8, 4, 1), ppm(3, 2, 2), pgmyuv(1280, 720, 3)]);
    for (let pos = 0; pos < stream.length; pos += 4093) reader.push(stream.subarray(pos, pos + 4093));
    expect(frames.map((f) => [f.format, f.width, f.height, f.data.length, f.data.at(-1)])).toEqual([
      ["yuv420", 8, 4, 48, 1],
      ["rgb24", 3, 2, 18, 2],
      ["yuv420", 1280, 720, 1_382_400, 3],
    ]);
  });

  it("rejects output that is not PPM", () => {
    const reader = new PpmFrameReader(() => {});
    expect(() => reader.push(Buffer.from("\xff\xd8 jpeg", "latin1"))).toThrow(/not a PPM/);
  });
});
