import { describe, expect, it } from "vitest";
import { cellsToBoxes } from "./fire-vigil-grid.js";
import { nonMaxSuppression } from "./fire-yolov8-baseline.js";

function grid(rows: number, cols: number, hot: Array<[number, number, number]>): Float32Array {
  const g = new Float32Array(rows * cols);
  for (const [r, c, p] of hot) g[r * cols + c] = p;
  return g;
}

describe("cellsToBoxes", () => {
  it("groups 8-connected positive cells into one box and separates distant ones", () => {
    const probs = grid(4, 4, [
      [0, 0, 0.9],
      [1, 1, 0.6], // diagonal neighbour of (0,0): same component
      [3, 3, 0.7],
      [2, 3, 0.2], // below threshold
    ]);
    const boxes = cellsToBoxes(probs, 0, 4, 4, 0.5);
    expect(boxes).toEqual([
      { bbox: [0, 0, 0.5, 0.5], confidence: expect.closeTo(0.9, 5) },
      { bbox: [0.75, 0.75, 0.25, 0.25], confidence: expect.closeTo(0.7, 5) },
    ]);
  });

  it("reads the class plane at the given offset", () => {
    const probs = new Float32Array(2 * 9);
    probs[9 + 4] = 0.8; // smoke plane, centre cell
    expect(cellsToBoxes(probs, 0, 3, 3, 0.5)).toEqual([]);
    expect(cellsToBoxes(probs, 9, 3, 3, 0.5)).toHaveLength(1);
  });
});

describe("nonMaxSuppression", () => {
  it("keeps the best of overlapping boxes per class only", () => {
    const kept = nonMaxSuppression(
      [
        { label: "fire", score: 0.5, box: [0, 0, 10, 10] },
        { label: "fire", score: 0.9, box: [1, 1, 11, 11] },
        { label: "smoke", score: 0.4, box: [1, 1, 11, 11] },
        { label: "fire", score: 0.3, box: [50, 50, 60, 60] },
      ],
      0.45,
    );
    expect(kept.map((k) => [k.label, k.score])).toEqual([
      ["fire", 0.9],
      ["smoke", 0.4],
      ["fire", 0.3],
    ]);
  });
});
