import { describe, expect, it } from "vitest";
import { yoloAnchors, yoloForRectInput } from "./onnx-rect-input.js";

describe("rectangular YOLO input", () => {
  it("lays anchors out as the export does: cell centres row by row, stride 8 then 16 then 32", () => {
    const square = yoloAnchors(640, 640);
    expect(square.strides.length).toBe(8400);
    const wide = yoloAnchors(640, 384);
    const n = 80 * 48 + 40 * 24 + 20 * 12;
    expect(wide.strides.length).toBe(n);
    // first cell, second cell (x advances), first cell of the second row (y advances)
    expect([wide.points[0], wide.points[n]]).toEqual([0.5, 0.5]);
    expect([wide.points[1], wide.points[n + 1]]).toEqual([1.5, 0.5]);
    expect([wide.points[80], wide.points[n + 80]]).toEqual([0.5, 1.5]);
    expect([wide.strides[80 * 48 - 1], wide.strides[80 * 48], wide.strides[n - 1]]).toEqual([8, 16, 32]);
    expect([wide.points[n - 1], wide.points[2 * n - 1]]).toEqual([19.5, 11.5]);
  });

  it("gives up, rather than guessing, on what is not a YOLO export or sizes that are no multiple of 32", () => {
    expect(yoloForRectInput(new Uint8Array([0x0a, 0x05, 0x01, 0x02]), 640, 640, 384)).toBeUndefined();
    expect(yoloForRectInput(new Uint8Array(), 640, 640, 384)).toBeUndefined();
    expect(yoloForRectInput(new Uint8Array([0xff, 0xff, 0xff]), 640, 640, 384)).toBeUndefined();
    expect(yoloForRectInput(new Uint8Array(), 640, 640, 380)).toBeUndefined();
  });
});
