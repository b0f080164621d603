import { describe, expect, it } from "vitest";
import { KeyframeSampler } from "./keyframe-sampler.js";

function acceptedRate(fps: number, intervalMs: number, durationMs: number): number {
  const s = new KeyframeSampler(fps);
  let n = 0;
  for (let t = 0; t < durationMs; t += intervalMs) if (s.accept(t)) n++;
  return n / (durationMs / 1000);
}

describe("KeyframeSampler", () => {
  it("passes every keyframe when they come slower than the sample rate", () => {
    expect(acceptedRate(2, 1000, 60_000)).toBeCloseTo(1, 1);
  });

  it("does not halve keyframes that come slightly faster than the sample rate (GOP 12 at 25 fps)", () => {
    expect(acceptedRate(2, 480, 60_000)).toBeGreaterThan(1.9);
    expect(acceptedRate(2, 480, 60_000)).toBeLessThanOrEqual(2.05);
  });

  it("caps a fast keyframe stream at the sample rate", () => {
    expect(acceptedRate(2, 40, 60_000)).toBeCloseTo(2, 1);
  });

  it("does not let a burst through after a long gap", () => {
    const s = new KeyframeSampler(2);
    expect(s.accept(0)).toBe(true);
    expect(s.accept(10_000)).toBe(true);
    expect(s.accept(10_010)).toBe(false);
  });
});
