import { describe, expect, it } from "vitest";
import { blit, toSprite } from "./compositor.js";

const rgba = (r: number, g: number, b: number, a: number) => [r, g, b, a];

describe("compositor", () => {
  it("copies opaque pixels, blends translucent ones, skips transparent ones, and clips", () => {
    const frame = new Uint32Array(4 * 2).fill(0xff000000); // black, 4x2
    const sprite = toSprite(Buffer.from([...rgba(255, 0, 0, 255), ...rgba(0, 255, 0, 128), ...rgba(0, 0, 255, 0)]), 3, 1);
    blit(frame, 4, 2, sprite, 2, 1); // only the first two sprite pixels fit
    const px = (i: number) => [frame[i]! & 0xff, (frame[i]! >>> 8) & 0xff, (frame[i]! >>> 16) & 0xff];
    expect(px(6)).toEqual([255, 0, 0]);
    expect(px(7)[1]).toBeGreaterThan(120);
    expect(px(7)[1]).toBeLessThan(136);
    expect(px(0)).toEqual([0, 0, 0]);
  });

  it("finds each row's non-transparent span", () => {
    const s = toSprite(Buffer.from([...rgba(0, 0, 0, 0), ...rgba(1, 1, 1, 255), ...rgba(0, 0, 0, 0), ...rgba(0, 0, 0, 0), ...rgba(0, 0, 0, 0), ...rgba(0, 0, 0, 0)]), 3, 2);
    expect([...s.rowStart]).toEqual([1, 3]);
    expect([...s.rowEnd]).toEqual([2, 3]);
  });
});
