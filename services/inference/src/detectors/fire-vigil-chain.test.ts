import { describe, expect, it } from "vitest";
import { cropSquare } from "./fire-crop.js";
import { thresholdForSensitivity } from "./detector.js";
import { fuseScores, splitAtThreshold, SUSTAINED_FIRE_FLOOR_SHARE } from "./fire-vigil-chain.js";
import type { Detection } from "./detector.js";

describe("fuseScores", () => {
  it("is the verifier's probability when the grid weight is 0", () => {
    expect(fuseScores(0.42, 0.9, 0)).toBe(0.42);
  });

  it("is the weighted geometric mean of verifier and grid probabilities", () => {
    expect(fuseScores(0.81, 0.25, 0.5)).toBeCloseTo(Math.sqrt(0.81 * 0.25), 6);
    expect(fuseScores(0.8, 0.4, 0.25)).toBeCloseTo(0.8 ** 0.75 * 0.4 ** 0.25, 6);
    expect(fuseScores(0.8, 0.4, 1)).toBeCloseTo(0.4, 6);
  });

  it("stays finite for a zero probability", () => {
    expect(fuseScores(0, 0.9, 0.5)).toBeGreaterThanOrEqual(0);
    expect(fuseScores(0, 0.9, 0.5)).toBeLessThan(0.01);
  });
});

describe("splitAtThreshold", () => {
  it("keeps detections at the threshold, hands on fire between the sustained floor and it as candidates, drops the rest", () => {
    const d = (label: string, confidence: number): Detection => ({ label, confidence, bbox: [0.1, 0.1, 0.1, 0.1] });
    const thresholds = { fire: 0.8, smoke: 0.6 };
    const floor = 0.8 * SUSTAINED_FIRE_FLOOR_SHARE;
    const { detections, candidates } = splitAtThreshold([d("fire", 0.5), d("fire", 0.85), d("smoke", 0.5), d("smoke", 0.7), d("fire", floor - 0.01), d("fire", 0.79)], (l) => thresholds[l]);
    expect(detections.map((x) => [x.label, x.confidence])).toEqual([["fire", 0.85], ["smoke", 0.7]]);
    // Smoke below its threshold is never a candidate (the sustained rule is for fire).
    expect(candidates.map((x) => [x.label, x.confidence])).toEqual([["fire", 0.79], ["fire", 0.5]]);
  });
});

describe("thresholdForSensitivity", () => {
  it("keeps the calibrated threshold at normal, raises it at low, lowers it at high", () => {
    expect(thresholdForSensitivity(0.6)).toBe(0.6);
    expect(thresholdForSensitivity(0.6, "low")).toBeCloseTo(0.8, 6);
    expect(thresholdForSensitivity(0.6, "high")).toBeCloseTo(0.42, 6);
  });
});

describe("cropSquare", () => {
  it("cuts a square of context × the longer side, kept inside the frame", () => {
    const g = { context: 1.35, minSide: 0.08, minSidePx: 16 };
    expect(cropSquare([0.4, 0.4, 0.1, 0.05], 1000, 500, g)).toEqual([383, 145, 135]);
    const [left, top, side] = cropSquare([0.95, 0.9, 0.05, 0.1], 1000, 500, g);
    expect(left + side).toBeLessThanOrEqual(1000);
    expect(top + side).toBeLessThanOrEqual(500);
  });
});
