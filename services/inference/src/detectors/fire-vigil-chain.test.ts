import { describe, expect, it } from "vitest";
import { cropSquare } from "./fire-crop.js";
import { thresholdForSensitivity } from "./detector.js";
import { fuseScores, keepFlameColouredFire, splitAtThreshold, SUSTAINED_FIRE_FLOOR_SHARE, SUSTAINED_FIRE_MIN_VERIFIER, type ScoredCandidate } from "./fire-vigil-chain.js";
import type { Detection, RgbImage } from "./detector.js";

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
    const d = (label: string, confidence: number, verifier = 0.9): ScoredCandidate => ({ label, confidence, bbox: [0.1, 0.1, 0.1, 0.1], verifier });
    const thresholds = { fire: 0.8, smoke: 0.6 };
    const floor = 0.8 * SUSTAINED_FIRE_FLOOR_SHARE;
    const { detections, candidates } = splitAtThreshold([d("fire", 0.5), d("fire", 0.85), d("smoke", 0.5), d("smoke", 0.7), d("fire", floor - 0.01), d("fire", 0.79)], (l) => thresholds[l]);
    expect(detections.map((x) => [x.label, x.confidence])).toEqual([["fire", 0.85], ["smoke", 0.7]]);
    // Smoke below its threshold is never a candidate (the sustained rule is for fire).
    expect(candidates.map((x) => [x.label, x.confidence])).toEqual([["fire", 0.79], ["fire", 0.5]]);
    // Plain detections come out, without the verifier's own score.
    expect(Object.keys(detections[0]!).sort()).toEqual(["bbox", "confidence", "label"]);
  });

  it("hands on a sub-threshold fire only when the verifier itself leans to fire; a detection needs only the fused score", () => {
    const d = (confidence: number, verifier: number): ScoredCandidate => ({ label: "fire", confidence, bbox: [0.1, 0.1, 0.1, 0.1], verifier });
    const { detections, candidates } = splitAtThreshold(
      [d(0.6, SUSTAINED_FIRE_MIN_VERIFIER - 0.01), d(0.55, SUSTAINED_FIRE_MIN_VERIFIER), d(0.9, 0.2)],
      () => 0.8,
    );
    expect(detections.map((x) => x.confidence)).toEqual([0.9]);
    expect(candidates.map((x) => x.confidence)).toEqual([0.55]);
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

describe("keepFlameColouredFire", () => {
  /** A dark street (colour) with an orange flame on the left and a white headlight on the right. */
  function street(grey = false): RgbImage {
    const width = 320, height = 180;
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const rgb = x < 80 && y < 60 ? [255, 150, 30] : x >= 240 && y < 60 ? [250, 250, 255] : [30, 40, 70];
        const v = Math.round((rgb[0]! + rgb[1]! + rgb[2]!) / 3);
        data.set(grey ? [v, v, v] : rgb, (y * width + x) * 3);
      }
    }
    return { data, width, height };
  }
  const flame: Detection = { label: "fire", confidence: 0.6, bbox: [0, 0, 0.25, 1 / 3] };
  const headlight: Detection = { label: "fire", confidence: 0.7, bbox: [0.75, 0, 0.25, 1 / 3] };
  const smoke: Detection = { label: "smoke", confidence: 0.7, bbox: [0.75, 0, 0.25, 1 / 3] };

  it("drops a fire candidate on white light and keeps the flame and any smoke", () => {
    expect(keepFlameColouredFire(street(), [flame, headlight, smoke])).toEqual([flame, smoke]);
  });

  it("leaves a grey (infrared) picture alone: a fire there is white", () => {
    expect(keepFlameColouredFire(street(true), [flame, headlight, smoke])).toEqual([flame, headlight, smoke]);
  });
});
