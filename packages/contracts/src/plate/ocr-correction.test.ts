import { describe, expect, it } from "vitest";
import { correctOcr } from "./ocr-correction.js";

// [OCR text, corrected key, display, substitutions]
const CASES: Array<[string, string, string, number]> = [
  ["84-31 234.56", "84B123456", "84-B1 234.56", 1], // position 3 of a motorbike plate is a series letter
  ["29-81 123.45", "29B112345", "29-B1 123.45", 1],
  ["51F-l23.45", "51F12345", "51F-123.45", 1],
  ["5lF-123.45", "51F12345", "51F-123.45", 1],
  ["51F-123.4S", "51F12345", "51F-123.45", 1],
  ["51F-O23.45", "51F02345", "51F-023.45", 1],
  ["S1F-I23.4S", "51F12345", "51F-123.45", 3],
  ["3OA-123.45", "30A12345", "30A-123.45", 1],
  ["51-F1 Z34.56", "51F123456", "51-F1 234.56", 1],
  ["59-XI 234.56", "59X123456", "59-X1 234.56", 1],
  ["59-X1 B34.56", "59X183456", "59-X1 834.56", 1],
  ["51O-123.45", "51D12345", "51D-123.45", 1], // O is never a series letter: the look-alike D is
  ["51Q-123.45", "51D12345", "51D-123.45", 1],
  ["29-MD1 O13.53", "29MD101353", "29-MĐ1 013.53", 1],
  ["8ONG-636-7O", "80NG63670", "80NG-636-70", 2],
  ["B4B1Z3456", "84B123456", "84-B1 234.56", 2],
  ["51G-6G8.9O", "51G66890", "51G-668.90", 2],
  ["TM-I2-34", "TM1234", "TM-12-34", 1],
  ["51F-123.45", "51F12345", "51F-123.45", 0],
  ["59-X1 234.56", "59X123456", "59-X1 234.56", 0],
  ["59AA12345", "59AA12345", "59-AA 123.45", 0],
];

describe("correctOcr", () => {
  it.each(CASES)("%s → %s (%s, %i substitutions)", (raw, key, display, substitutions) => {
    const c = correctOcr(raw);
    expect(c.key).toBe(key);
    expect(c.display).toBe(display);
    expect(c.substitutions).toBe(substitutions);
    expect(c.changes).toHaveLength(substitutions);
    expect(c.valid).toBe(true);
    expect(c.plate.key).toBe(key);
  });

  it("reports each change with its position", () => {
    expect(correctOcr("84-31 234.56").changes).toEqual([{ index: 2, from: "3", to: "B" }]);
  });

  it("uses the rows it is given to choose between layouts of the same length", () => {
    expect(correctOcr("59X12345").display).toBe("59X-123.45");
    expect(correctOcr("59X12345", 2).display).toBe("59-X1 2345");
    expect(correctOcr("59X12345", 2).rows).toBe(2);
  });

  it("prefers a valid reading to an unchanged invalid one, and keeps what it cannot fix", () => {
    // Four-digit number with an unknown province stays invalid: nothing to substitute that would help.
    const c = correctOcr("42A-123.45");
    expect(c.key).toBe("42A12345");
    expect(c.valid).toBe(false);
    expect(c.plate.problems.join()).toContain("province");
  });

  it("never inserts or drops characters: a length no layout has comes back unchanged and invalid", () => {
    for (const raw of ["51F-123.4567", "51", "", "#####"]) {
      const c = correctOcr(raw);
      expect(c.substitutions).toBe(0);
      expect(c.valid).toBe(false);
      expect(c.key.length).toBe(raw.replace(/[^A-Za-z0-9]/g, "").length);
    }
  });

  it("does not 'correct' a character that has no look-alike of the needed class", () => {
    // 'X' cannot be a digit, so no car layout fits; the motorbike and moped layouts need position 3 to be a digit / letter.
    const c = correctOcr("51F-X23.45");
    expect(c.key).toBe("51FX2345");
    expect(c.changes.every((ch) => ch.from !== "X")).toBe(true);
  });
});
