import { describe, expect, it } from "vitest";
import type { RgbImage } from "../image/rgb-image.js";
import type { CtcChar } from "../ocr/ctc-decode.js";
import type { TextLineReader } from "../ocr/paddle-recognizer.js";
import { PlateReader } from "./plate-reader.js";

/** Characters as a reader gives them, each with one confidence. */
function chars(text: string, confidence: number): CtcChar[] {
  return [...text].map((char) => ({ char, confidence, alternatives: new Map([[char, confidence]]) }));
}

/** A one-row plate's shape (wide crop): the layout splits nothing, so each reader sees the whole crop. */
const crop: RgbImage = { data: Buffer.alloc(200 * 40 * 3, 128), width: 200, height: 40 };

function readers(first: { text: string; confidence: number }, second: { text: string; confidence: number }) {
  const calls = { first: 0, second: 0 };
  const line: TextLineReader = {
    name: "fake-line-reader",
    load: async () => {},
    close: async () => {},
    async readLines(lines) {
      calls.first++;
      return lines.map(() => chars(first.text, first.confidence));
    },
  };
  const slots = {
    async read(crops: readonly RgbImage[]) {
      calls.second++;
      return crops.map(() => chars(second.text, second.confidence));
    },
  };
  return { line, slots, calls };
}

describe("PlateReader with a second reader", () => {
  it("takes a valid, confident second reading without running the first reader", async () => {
    const { line, slots, calls } = readers({ text: "51F12345", confidence: 0.9 }, { text: "51F12345", confidence: 0.99 });
    const r = await new PlateReader(line, { second: slots }).readCrop(crop);
    expect(r).toMatchObject({ plate: "51F12345", display: "51F-123.45", reader: "cnn", valid: true });
    expect(calls).toEqual({ first: 0, second: 1 });
  });

  it("asks the first reader when the second is unsure, and keeps the surer valid reading", async () => {
    const { line, slots, calls } = readers({ text: "30A99999", confidence: 0.95 }, { text: "30A99998", confidence: 0.9 });
    const r = await new PlateReader(line, { second: slots }).readCrop(crop);
    expect(r).toMatchObject({ plate: "30A99999", display: "30A-999.99", reader: "paddle" });
    expect(calls).toEqual({ first: 1, second: 1 });
  });

  it("asks the first reader when the confident second reading is no valid plate", async () => {
    const { line, slots, calls } = readers({ text: "30A99999", confidence: 0.8 }, { text: "ZZZ", confidence: 0.999 });
    const r = await new PlateReader(line, { second: slots }).readCrop(crop);
    expect(r).toMatchObject({ plate: "30A99999", reader: "paddle", valid: true });
    expect(calls.first).toBe(1);
  });

  it("does not take a short reading from the second reader alone, however sure (a dropped character)", async () => {
    const { line, slots, calls } = readers({ text: "51E53152", confidence: 0.99 }, { text: "51E5315", confidence: 0.985 });
    const r = await new PlateReader(line, { second: slots }).readCrop(crop);
    expect(calls).toEqual({ first: 1, second: 1 });
    expect(r).toMatchObject({ plate: "51E53152", reader: "paddle" });
  });

  it("runs both readers on every crop when the shortcut is turned off", async () => {
    const { line, slots, calls } = readers({ text: "51F12345", confidence: 0.9 }, { text: "51F12345", confidence: 0.99 });
    const r = await new PlateReader(line, { second: slots, secondTrustedAt: 1.01 }).readCrop(crop);
    expect(r).toMatchObject({ plate: "51F12345", reader: "paddle" });
    expect(r.confidence).toBeCloseTo(0.99, 5);
    expect(calls).toEqual({ first: 1, second: 1 });
  });
});
