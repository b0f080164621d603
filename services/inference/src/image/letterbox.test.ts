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
});
