import { describe, expect, it } from "vitest";
import { letterbox } from "./letterbox.js";

describe("letterbox", () => {
  it("scales to fit, centres, pads with grey 114, and reuses a buffer without leaking old pixels", async () => {
    const white = { data: Buffer.alloc(200 * 100 * 3, 255), width: 200, height: 100 };
    const a = await letterbox(white, 64);
    expect(a.scale).toBeCloseTo(0.32);
    expect(a.padY).toBe(16);
    expect(a.tensor[0]).toBeCloseTo(114 / 255);
    expect(a.tensor[32 * 64 + 10]).toBeCloseTo(1);
    const tall = { data: Buffer.alloc(50 * 100 * 3, 0), width: 50, height: 100 };
    const b = await letterbox(tall, 64, a.tensor);
    expect(b.tensor).toBe(a.tensor);
    expect(b.padX).toBe(16);
    // Where the white picture was, there is now padding or black, nothing stale.
    expect(b.tensor[32 * 64 + 2]).toBeCloseTo(114 / 255);
    expect(b.tensor[32 * 64 + 32]).toBeCloseTo(0);
  });

  it("fits a wide frame into a rectangular input at the square's scale, padding only the rounding", async () => {
    const frame = { data: Buffer.alloc(1280 * 720 * 3, 255), width: 1280, height: 720 };
    const lb = await letterbox(frame, { width: 640, height: 384 });
    expect(lb).toMatchObject({ scale: 0.5, padX: 0, padY: 12 });
    expect(lb.tensor.length).toBe(3 * 640 * 384);
    expect(lb.tensor[11 * 640]).toBeCloseTo(114 / 255); // last padded row
    expect(lb.tensor[12 * 640]).toBeCloseTo(1); // first picture row
    expect(lb.tensor[371 * 640 + 639]).toBeCloseTo(1); // last picture row
    expect(lb.tensor[372 * 640]).toBeCloseTo(114 / 255);
  });

  it("shrinks a frame 2× or 3× its fitted size to each block's mean (INTER_AREA), into a reused tensor with its padding", async () => {
    for (const k of [2, 3]) {
      const width = 32 * k;
      const height = 18 * k;
      const data = Buffer.alloc(width * height * 3);
      // A pattern that differs in every pixel and channel, so a wrong tap or stride shows.
      for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i % 3) * 91) & 255;
      const stale = new Float32Array(3 * 32 * 20).fill(7);
      const lb = await letterbox({ data, width, height }, { width: 32, height: 20 }, stale);
      expect(lb).toMatchObject({ scale: 1 / k, padX: 0, padY: 1 });
      expect(lb.tensor).toBe(stale);
      const plane = 32 * 20;
      for (let c = 0; c < 3; c++) {
        expect(lb.tensor[c * plane + 5]).toBeCloseTo(114 / 255); // padding row above
        expect(lb.tensor[c * plane + 19 * 32 + 5]).toBeCloseTo(114 / 255); // and below
        for (const [x, y] of [[0, 0], [31, 17], [13, 9]] as const) {
          let sum = 0;
          for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) sum += data[((y * k + dy) * width + x * k + dx) * 3 + c]!;
          expect(lb.tensor[c * plane + (y + 1) * 32 + x]).toBeCloseTo(sum / (k * k) / 255, 6);
        }
      }
    }
  });

  it("resizes any other ratio (here 4×) with sharp", async () => {
    // 4× has no block-mean path: sharp's linear resize of a flat picture keeps its value.
    const flat = { data: Buffer.alloc(128 * 72 * 3, 200), width: 128, height: 72 };
    const lb = await letterbox(flat, { width: 32, height: 20 });
    expect(lb).toMatchObject({ padX: 0, padY: 1 });
    expect(lb.tensor[5 * 32 + 7]).toBeCloseTo(200 / 255, 2);
  });
});
