import { describe, expect, it } from "vitest";
import { cellBoxToRegion, changedCells, MotionGate } from "./motion-gate.js";

const frame = (value: number, square?: { x: number; y: number }) => {
  const width = 160;
  const height = 90;
  const data = Buffer.alloc(width * height * 3, value);
  if (square) {
    for (let y = square.y; y < square.y + 30; y++) data.fill(250, (y * width + square.x) * 3, (y * width + square.x + 30) * 3);
  }
  return { data, width, height };
};

describe("MotionGate", () => {
  it("skips a still scene, wakes on motion, and still detects every n-th frame", () => {
    const gate = new MotionGate({ forceEvery: 4 });
    const decisions = [frame(100), frame(100), frame(101), frame(100), frame(100), frame(100)].map((f) => gate.shouldDetect("cam", f, false));
    expect(decisions).toEqual([true, false, false, false, true, false]);
    expect(gate.shouldDetect("cam", frame(100, { x: 40, y: 20 }), false)).toBe(true);
  });

  it("always detects while the camera has live tracks, and keeps cameras apart", () => {
    const gate = new MotionGate();
    gate.shouldDetect("a", frame(100), false);
    expect(gate.shouldDetect("a", frame(100), true)).toBe(true);
    expect(gate.shouldDetect("b", frame(100), false)).toBe(true);
  });
});

describe("motion region", () => {
  it("is the bounding box of the cells changed past the cell threshold, ignoring small changes", () => {
    const prev = new Uint8Array(8 * 4).fill(100);
    const cur = Uint8Array.from(prev);
    cur[1 * 8 + 2] = 160; // (2, 1)
    cur[2 * 8 + 5] = 30; // (5, 2)
    cur[3 * 8 + 7] = 110; // below the threshold
    expect(changedCells(prev, cur, 8, 20)).toEqual({ x0: 2, y0: 1, x1: 5, y1: 2, count: 2 });
    expect(changedCells(prev, prev, 8, 20)).toBeUndefined();
  });

  it("is dilated by whole cells and clamped to the grid, as fractions of the frame", () => {
    expect(cellBoxToRegion({ x0: 2, y0: 1, x1: 5, y1: 2, count: 2 }, 8, 4, 1)).toEqual([1 / 8, 0, 6 / 8, 4 / 4]);
    expect(cellBoxToRegion({ x0: 0, y0: 0, x1: 0, y1: 0, count: 1 }, 8, 4, 2)).toEqual([0, 0, 3 / 8, 3 / 4]);
    expect(cellBoxToRegion({ x0: 7, y0: 3, x1: 7, y1: 3, count: 1 }, 8, 4, 0)).toEqual([7 / 8, 3 / 4, 1 / 8, 1 / 4]);
  });

  it("observe gives the region of a square that appears, dilated, and none on a first or unchanged frame", () => {
    const gate = new MotionGate({ gridWidth: 16, gridHeight: 9, dilateCells: 1 });
    const first = gate.observe("cam", frame(100));
    expect(first).toMatchObject({ moving: true, region: undefined });
    expect(gate.observe("cam", frame(100)).region).toBeUndefined();
    // The 30×30 square at (40, 20) of 160×90 covers grid cells x 4..6 (cell 10 px), y 2..4 (cell 10 px).
    const moved = gate.observe("cam", frame(100, { x: 40, y: 20 }));
    expect(moved.moving).toBe(true);
    expect(moved.region![0]).toBeCloseTo(3 / 16);
    expect(moved.region![1]).toBeCloseTo(1 / 9);
    expect(moved.region![2]).toBeCloseTo(5 / 16);
    expect(moved.region![3]).toBeCloseTo(5 / 9);
    const [x, y, w, h] = moved.region!;
    // The square lies inside the region.
    expect(x * 160).toBeLessThanOrEqual(40);
    expect(y * 90).toBeLessThanOrEqual(20);
    expect((x + w) * 160).toBeGreaterThanOrEqual(70);
    expect((y + h) * 90).toBeGreaterThanOrEqual(50);
  });

  it("plans a region look for an idle camera's motion, a whole-frame look when busy or forced, and region looks do not reset the forced count", () => {
    const gate = new MotionGate({ forceEvery: 3 });
    const still = { moving: false, region: undefined, grid: new Uint8Array(0) };
    const small = { moving: true, region: [0.1, 0.1, 0.2, 0.2] as [number, number, number, number], grid: new Uint8Array(0) };
    expect(gate.plan("cam", small, false)).toEqual({ detect: true }); // first frame: forced
    expect(gate.plan("cam", small, false)).toEqual({ detect: true, region: small.region });
    expect(gate.plan("cam", small, true)).toEqual({ detect: true }); // live tracks: whole frame
    expect(gate.plan("cam", still, false)).toEqual({ detect: false });
    expect(gate.plan("cam", small, false)).toEqual({ detect: true, region: small.region });
    expect(gate.plan("cam", small, false)).toEqual({ detect: true }); // third frame since the last whole look
    expect(gate.plan("cam", { ...small, region: undefined }, false)).toEqual({ detect: true }); // motion without a region
  });
});

describe("motion of a small object", () => {
  const big = (square?: { x: number; y: number; side: number }) => {
    const width = 640;
    const height = 360;
    const data = Buffer.alloc(width * height * 3, 100);
    if (square) for (let y = square.y; y < square.y + square.side; y++) data.fill(250, (y * width + square.x) * 3, (y * width + square.x + square.side) * 3);
    return { data, width, height };
  };

  it("counts as motion by its changed cells though the frame's mean barely moves, and one changed sample does not", () => {
    const gate = new MotionGate();
    gate.observe("cam", big());
    // 40×40 px of 640×360: the mean grey difference is ~1, under the threshold 2.5; 25 cells of 8 × 8 px changed.
    const far = gate.observe("cam", big({ x: 300, y: 100, side: 40 }));
    expect(far.moving).toBe(true);
    expect(far.region![2] * 640).toBeLessThan(80);
    gate.observe("cam", big());
    const speck = gate.observe("cam", big({ x: 300, y: 100, side: 6 }));
    expect(speck.moving).toBe(false);
    expect(speck.region).toBeDefined();
  });
});
