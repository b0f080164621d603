import { describe, expect, it } from "vitest";
import { MotionGate } from "./motion-gate.js";

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
