import { describe, expect, it } from "vitest";
import { rectInputSize } from "./plate-yolo.js";

describe("the plate detector's input size", () => {
  it("keeps 640 on the long side and rounds the short side up to a multiple of 32", () => {
    expect(rectInputSize(1280, 720)).toEqual({ width: 640, height: 384 });
    expect(rectInputSize(1920, 1080)).toEqual({ width: 640, height: 384 });
    expect(rectInputSize(1280, 960)).toEqual({ width: 640, height: 480 });
    expect(rectInputSize(720, 1280)).toEqual({ width: 384, height: 640 });
    expect(rectInputSize(500, 500)).toEqual({ width: 640, height: 640 });
    expect(rectInputSize(64, 64)).toEqual({ width: 640, height: 640 });
  });
});
