import { describe, expect, it } from "vitest";
import { FireRateGate } from "./fire-rate-gate.js";

const grid = (value: number, changed: number[] = [], to = value) => {
  const g = new Uint8Array(80 * 45).fill(value);
  for (const i of changed) g[i] = to;
  return g;
};

describe("FireRateGate", () => {
  it("looks at every n-th frame of a static scene with nothing suspected", () => {
    const gate = new FireRateGate({ staticEvery: 4 });
    const still = grid(100);
    expect(Array.from({ length: 9 }, () => gate.shouldRun("cam", still, false))).toEqual([true, false, false, false, true, false, false, false, true]);
  });

  it("looks at once when any cell changed since the frame it last looked at (movingEvery 1), and at full rate while something is suspected", () => {
    const gate = new FireRateGate({ staticEvery: 4, movingEvery: 1 });
    gate.shouldRun("cam", grid(100), false);
    expect(gate.shouldRun("cam", grid(100, [0], 115), false)).toBe(false); // under the cell threshold
    expect(gate.shouldRun("cam", grid(100, [1234], 180), false)).toBe(true); // one cell: a flame appears
    expect(gate.shouldRun("cam", grid(100, [1234], 180), true)).toBe(true); // unchanged, but a candidate is in the window
    expect(gate.shouldRun("cam", grid(100, [1234], 180), true)).toBe(true);
    expect(gate.shouldRun("cam", grid(100, [1234], 180), false)).toBe(false);
  });

  it("looks at every other frame of a changing scene by default, and at every frame once something is suspected", () => {
    const gate = new FireRateGate({ staticEvery: 4 });
    // Traffic: every frame differs from the last one looked at.
    const frames = Array.from({ length: 8 }, (_, i) => grid(100, [i * 10], 200));
    expect(frames.slice(0, 6).map((g) => gate.shouldRun("cam", g, false))).toEqual([true, false, true, false, true, false]);
    // A candidate in the confirmer's window: from then on every frame is looked at, skipped one or not.
    expect(frames.slice(6).map((g) => gate.shouldRun("cam", g, true))).toEqual([true, true]);
    // The scene goes still: back to every 4th frame (counted from the last look).
    const still = grid(100, [70], 200);
    expect(Array.from({ length: 5 }, () => gate.shouldRun("cam", still, false))).toEqual([false, false, false, true, false]);
  });

  it("looks at every 2nd frame while a fire is ongoing, suspected or not, and goes back to the scene's rate when it clears", () => {
    const gate = new FireRateGate({ staticEvery: 4 });
    const burning = Array.from({ length: 6 }, (_, i) => grid(100, [i], 250));
    expect(burning.map((g) => gate.shouldRun("cam", g, true, true))).toEqual([true, false, true, false, true, false]);
    // Cleared, still a candidate in the windows: every frame.
    expect([0, 1].map(() => gate.shouldRun("cam", burning[5]!, true, false))).toEqual([true, true]);
    const quiet = new FireRateGate({ staticEvery: 1, movingEvery: 1, ongoingEvery: 1 });
    expect([0, 1, 2].map(() => quiet.shouldRun("cam", grid(100), true, true))).toEqual([true, true, true]);
  });

  it("compares with the frame it last looked at, so a slow change adds up", () => {
    const gate = new FireRateGate({ staticEvery: 10, movingEvery: 1 });
    gate.shouldRun("cam", grid(100), false);
    // Smoke thickening by 8 grey levels a frame: each step is under the threshold 20, the third is past it since the last look.
    expect([108, 116, 124].map((v) => gate.shouldRun("cam", grid(100, [500, 501], v), false))).toEqual([false, false, true]);
    expect(gate.shouldRun("cam", grid(100, [500, 501], 130), false)).toBe(false);
  });

  it("keeps cameras apart, runs every frame at staticEvery and movingEvery 1, and starts over after forget", () => {
    const gate = new FireRateGate({ staticEvery: 3 });
    gate.shouldRun("a", grid(100), false);
    expect(gate.shouldRun("b", grid(100), false)).toBe(true);
    expect(gate.shouldRun("a", grid(100), false)).toBe(false);
    gate.forget("a");
    expect(gate.shouldRun("a", grid(100), false)).toBe(true);
    const always = new FireRateGate({ staticEvery: 1, movingEvery: 1 });
    expect([0, 1, 2].map((i) => always.shouldRun("a", grid(100, i === 1 ? [9] : [], 200), false))).toEqual([true, true, true]);
  });
});
