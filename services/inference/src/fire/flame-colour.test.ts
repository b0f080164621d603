import { describe, expect, it } from "vitest";
import type { RgbImage } from "../detectors/detector.js";
import { flameColourShare, frameChroma, isFlameColoured } from "./flame-colour.js";

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height };
}

function paint(image: RgbImage, [x0, y0, x1, y1]: [number, number, number, number], rgb: [number, number, number]): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) image.data.set(rgb, (y * image.width + x) * 3);
}

describe("flame colour", () => {
  it("takes orange and yellow flame tones, not white, blue-white, grey or dark red", () => {
    expect(isFlameColoured(255, 140, 20)).toBe(true); // orange
    expect(isFlameColoured(250, 220, 90)).toBe(true); // yellow
    expect(isFlameColoured(255, 255, 255)).toBe(false); // a blown-out headlight
    expect(isFlameColoured(220, 230, 255)).toBe(false); // LED / xenon headlight
    expect(isFlameColoured(128, 128, 128)).toBe(false); // grey road, smoke
    expect(isFlameColoured(90, 20, 10)).toBe(false); // dark red paint in the shade
  });

  it("measures the share of flame pixels in a box, whatever its size", () => {
    const image = solid(640, 360, [40, 40, 45]);
    paint(image, [320, 0, 640, 360], [255, 150, 30]); // right half on fire
    expect(flameColourShare(image, [0.5, 0, 0.5, 1])).toBeCloseTo(1, 5);
    expect(flameColourShare(image, [0, 0, 0.5, 1])).toBe(0);
    expect(flameColourShare(image, [0.25, 0, 0.5, 1])).toBeCloseTo(0.5, 1);
    expect(flameColourShare(image, [0.9, 0.9, 0.5, 0.5])).toBeCloseTo(1, 5); // clipped to the frame
    expect(flameColourShare(image, [1, 1, 0.1, 0.1])).toBe(0); // outside
  });

  it("tells a grey (infrared) picture from a colour one", () => {
    expect(frameChroma(solid(320, 180, [120, 120, 120]))).toBe(0);
    const street = solid(320, 180, [90, 100, 130]);
    expect(frameChroma(street)).toBeGreaterThan(30);
  });
});
