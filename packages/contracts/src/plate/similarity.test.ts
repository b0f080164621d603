import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { areConfusable, CONFUSION_CLASSES } from "./alphabet.js";
import { foldConfusables, isNearMatch, jaroWinkler, NEAR_MATCH_THRESHOLD, plateDistance, plateSimilarity } from "./similarity.js";

// Plates of every key length in use (6 military … 10 electric motorbike).
const KEYS = ["TM1234", "51F1234", "51F12345", "59X123456", "51LD12345", "80011NG01", "29MD101353", "59AA12345", "30A99999"];
const CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

describe("plateSimilarity / isNearMatch", () => {
  it("rates 51F-l23.45 as a near match of 51F-123.45", () => {
    expect(plateDistance("51F-l23.45", "51F-123.45")).toBeCloseTo(0.2);
    expect(plateSimilarity("51F-l23.45", "51F-123.45")).toBeCloseTo(0.975);
    expect(isNearMatch("51F-l23.45", "51F-123.45")).toBe(true);
  });

  it.each([
    ["51F-123.45", "51F-923.45"],
    ["51F-123.45", "51F-124.45"],
    ["51F-123.45", "51G-123.45"],
    ["51F-123.45", "52F-123.45"],
    ["59-X1 234.56", "59-X2 234.56"],
    ["51F-123.45", "51F-1234"], // one character missing
    ["51F-123.45", "51F-123.456"], // one too many
    ["51F-123.45", "51F-214.35"], // transposition
  ])("a genuinely different %s / %s is not near", (a, b) => {
    expect(isNearMatch(a, b)).toBe(false);
    expect(plateSimilarity(a, b)).toBeLessThan(NEAR_MATCH_THRESHOLD);
  });

  it.each([
    ["30A-999.99", "3OA-999.99"],
    ["51F-123.45", "S1F-123.4S"],
    ["59-X1 234.56", "59-XI Z34.56"],
    ["29-B1 123.45", "29-81 123.45"],
    ["51G-668.90", "51G-6G8.9O"],
    ["TM-12-34", "7M-12-34"],
  ])("OCR confusions %s / %s are near", (a, b) => {
    expect(isNearMatch(a, b)).toBe(true);
  });

  it("compares keys, not the written forms", () => {
    expect(plateSimilarity("59-X1 234.56", "59X123456")).toBe(1);
    expect(plateSimilarity("29-MĐ1 013.53", "29md101353")).toBe(1);
  });

  it("is symmetric, 1 on identity, within 0..1, and never near on empty input", () => {
    expect(plateSimilarity("", "")).toBe(1);
    expect(plateSimilarity("51F12345", "")).toBe(0);
    expect(isNearMatch("", "")).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const s = plateSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(plateSimilarity(b, a)).toBeCloseTo(s, 10);
        expect(plateSimilarity(a, a)).toBe(1);
      }),
    );
  });

  it("property: one non-look-alike substitution is never near, at any plate length", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), fc.nat(), fc.constantFrom(...CHARS), (key, pos, ch) => {
        const i = pos % key.length;
        fc.pre(!areConfusable(key[i]!, ch));
        const other = key.slice(0, i) + ch + key.slice(i + 1);
        expect(isNearMatch(key, other)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("property: up to two look-alike substitutions are always near, at any plate length", () => {
    const lookAlike = (ch: string, pick: number) => {
      const cls = CONFUSION_CLASSES.find((c) => c.includes(ch));
      return cls ? cls[pick % cls.length]! : ch;
    };
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), fc.nat(), fc.nat(), fc.nat(), (key, p1, p2, pick) => {
        const chars = [...key];
        for (const p of [p1, p2]) chars[p % key.length] = lookAlike(chars[p % key.length]!, pick);
        expect(isNearMatch(key, chars.join(""))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("foldConfusables", () => {
  it("maps look-alikes to one canonical key the database can index", () => {
    expect(foldConfusables("51F-l23.45")).toBe(foldConfusables("51F-123.45"));
    expect(foldConfusables("3OA-999.99")).toBe(foldConfusables("30A-999.99"));
    expect(foldConfusables("29-B1 123.45")).toBe(foldConfusables("29-81 123.45"));
    // Each class folds to its digit, so a folded key still reads like a plate.
    expect(foldConfusables("S1F-I23.4S")).toBe("51F12345");
    expect(foldConfusables("29-B1 123.45")).toBe("298112345");
    expect(foldConfusables("51F-123.45")).not.toBe(foldConfusables("51F-923.45"));
  });

  it("folds every member of a class to the same character", () => {
    for (const cls of CONFUSION_CLASSES) {
      const folded = new Set([...cls].map((c) => foldConfusables(c)));
      expect(folded.size).toBe(1);
    }
  });

  it("property: folding agrees with the near-match rule (equal folds ⇒ near for same-length plates)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), fc.nat(), fc.nat(), (key, p, pick) => {
        const i = p % key.length;
        const cls = CONFUSION_CLASSES.find((c) => c.includes(key[i]!));
        const other = cls ? key.slice(0, i) + cls[pick % cls.length] + key.slice(i + 1) : key;
        expect(foldConfusables(other)).toBe(foldConfusables(key));
        expect(isNearMatch(other, key)).toBe(true);
      }),
    );
  });
});

describe("jaroWinkler", () => {
  it("matches the textbook values", () => {
    expect(jaroWinkler("MARTHA", "MARHTA")).toBeCloseTo(0.961, 3);
    expect(jaroWinkler("DWAYNE", "DUANE")).toBeCloseTo(0.84, 2);
    expect(jaroWinkler("DIXON", "DICKSONX")).toBeCloseTo(0.813, 3);
    expect(jaroWinkler("51F12345", "51F12345")).toBe(1);
    expect(jaroWinkler("", "51F12345")).toBe(0);
    expect(jaroWinkler("ABC", "XYZ")).toBe(0);
  });

  it("ranks a one-character misread above a different plate of the same province", () => {
    expect(jaroWinkler("51F12345", "51F12845")).toBeGreaterThan(jaroWinkler("51F12345", "51A98712"));
  });
});
