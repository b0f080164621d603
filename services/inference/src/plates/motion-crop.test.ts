import { describe, expect, it } from "vitest";
import { cropBoxToFrame, DEFAULT_MOTION_CROP, planMotionCrop, touchesInnerEdge } from "./motion-crop.js";

const HD = { width: 1280, height: 720 };

describe("planMotionCrop", () => {
  it("centres a detector-sized window at native resolution on a small region, clamped to the frame", () => {
    // Region 200×100 px centred at (700, 400).
    expect(planMotionCrop([600 / 1280, 350 / 720, 200 / 1280, 100 / 720], HD, undefined)).toEqual({ x: 380, y: 80, w: 640, h: 640 });
    // Near the top-left corner: clamped.
    expect(planMotionCrop([0, 0, 0.05, 0.05], HD, undefined)).toEqual({ x: 0, y: 0, w: 640, h: 640 });
    // Near the bottom-right corner: clamped.
    expect(planMotionCrop([0.95, 0.95, 0.05, 0.05], HD, undefined)).toEqual({ x: 640, y: 80, w: 640, h: 640 });
  });

  it("looks at the whole frame when the region does not fit the window", () => {
    expect(planMotionCrop([0.1, 0.2, 0.6, 0.3], HD, undefined)).toBeUndefined(); // 768 px wide
    expect(planMotionCrop([0.4, 0, 0.2, 0.95], HD, undefined)).toBeUndefined(); // 684 px tall
    expect(planMotionCrop([0.25, 0.05, 0.5, 0.85], HD, undefined)?.w).toBe(640); // 640 × 612 fits
  });

  it("looks at the whole frame when the window would not enlarge plates enough, or the camera's plates are large", () => {
    // 800×600: the window zooms 1.25×, below minZoom 1.5.
    expect(planMotionCrop([0.4, 0.4, 0.1, 0.1], { width: 800, height: 600 }, undefined)).toBeUndefined();
    // Smaller than the input: the letterbox upscales the whole frame already.
    expect(planMotionCrop([0.4, 0.4, 0.1, 0.1], { width: 600, height: 400 }, undefined)).toBeUndefined();
    expect(planMotionCrop([0.4, 0.4, 0.1, 0.1], HD, DEFAULT_MOTION_CROP.maxPlateWidthPx + 1)).toBeUndefined();
    expect(planMotionCrop([0.4, 0.4, 0.1, 0.1], HD, 90)).toBeDefined();
    // 1920×1080 → 3× zoom (region 960..1152 × 540..648 px, centre 1056, 594); a frame shorter than the input gets a window of its full height.
    expect(planMotionCrop([0.5, 0.5, 0.1, 0.1], { width: 1920, height: 1080 }, undefined)).toEqual({ x: 736, y: 274, w: 640, h: 640 });
    expect(planMotionCrop([0.5, 0.2, 0.1, 0.5], { width: 1280, height: 480 }, undefined)).toEqual({ x: 384, y: 0, w: 640, h: 480 });
  });
});

describe("boxes found in a crop", () => {
  const rect = { x: 380, y: 80, w: 640, h: 640 };

  it("map back to fractions of the whole frame", () => {
    // A plate at 100..164 × 320..352 px inside the crop is at 480..544 × 400..432 px in the frame.
    const inCrop: [number, number, number, number] = [100 / 640, 320 / 640, 64 / 640, 32 / 640];
    const [x, y, w, h] = cropBoxToFrame(inCrop, rect, HD);
    expect(x * 1280).toBeCloseTo(480);
    expect(y * 720).toBeCloseTo(400);
    expect(w * 1280).toBeCloseTo(64);
    expect(h * 720).toBeCloseTo(32);
    // The whole crop maps to the crop rectangle.
    const all = cropBoxToFrame([0, 0, 1, 1], rect, HD);
    expect(all.map((v, i) => v * (i % 2 === 0 ? 1280 : 720))).toEqual([380, 80, 640, 640].map((v) => expect.closeTo(v, 6)));
  });

  it("are flagged when cut by a crop edge inside the frame, not by an edge that is the frame's", () => {
    expect(touchesInnerEdge([0.3, 0.3, 0.1, 0.05], rect, HD)).toBe(false);
    expect(touchesInnerEdge([0, 0.3, 0.1, 0.05], rect, HD)).toBe(true); // left edge, x = 380 inside the frame
    expect(touchesInnerEdge([0.9, 0.3, 0.1, 0.05], rect, HD)).toBe(true); // right edge, 1020 < 1280
    expect(touchesInnerEdge([0.3, 0.95, 0.1, 0.05], rect, HD)).toBe(false); // bottom edge is the frame's (80 + 640 = 720)
    const corner = { x: 0, y: 0, w: 640, h: 640 };
    expect(touchesInnerEdge([0, 0, 0.1, 0.05], corner, HD)).toBe(false); // top-left edges are the frame's
    expect(touchesInnerEdge([0.3, 0.95, 0.1, 0.05], corner, HD)).toBe(true); // bottom at 640 < 720
  });
});
