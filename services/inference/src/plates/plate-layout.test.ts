import { describe, expect, it } from "vitest";
import { findRowSplit, splitPlateLines } from "./plate-layout.js";

/** A white plate with two dark text bands, the gap between them at `gapAt` rows. */
function twoRowPlate(width: number, height: number, gapAt: number) {
  const data = Buffer.alloc(width * height * 3, 235);
  for (let y = 0; y < height; y++) {
    const inText = (y > height * 0.1 && y < gapAt - 4) || (y > gapAt + 4 && y < height * 0.9);
    if (!inText) continue;
    for (let x = Math.floor(width * 0.15); x < width * 0.85; x++) if (x % 9 < 4) data.fill(20, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { data, width, height };
}

describe("plate layout", () => {
  it("finds the gap between the rows of a square plate", () => {
    const split = findRowSplit(twoRowPlate(140, 100, 55));
    expect(Math.abs(split - 55)).toBeLessThanOrEqual(4);
  });

  it("reads wide plates as one line and square ones as two", () => {
    expect(splitPlateLines(twoRowPlate(400, 85, 42)).rows).toBe(1);
    const two = splitPlateLines(twoRowPlate(140, 100, 50));
    expect(two.rows).toBe(2);
    expect(two.lines).toHaveLength(2);
  });
});
