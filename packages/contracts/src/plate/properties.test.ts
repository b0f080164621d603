import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONFUSION_CLASSES, SERIES_LETTERS } from "./alphabet.js";
import { correctOcr } from "./ocr-correction.js";
import { formatPlate, parsePlate } from "./parse.js";
import { PROVINCE_CODES } from "./provinces.js";
import { foldConfusables, isNearMatch, jaroWinkler, plateSimilarity } from "./similarity.js";

const province = fc.constantFrom(...PROVINCE_CODES.map((p) => p.code));
const letter = fc.constantFrom(...SERIES_LETTERS);
// Registration numbers start at 000.01: all zeros is never issued.
const digits = (n: number) =>
  fc
    .array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n })
    .map((d) => d.join(""))
    .filter((d) => !/^0+$/.test(d));
const seriesDigit = fc.constantFrom(..."123456789");

/** Valid plates of the common layouts, as [key, rows]. */
const plate = fc.oneof(
  fc.tuple(province, letter, digits(5)).map(([p, s, n]) => [`${p}${s}${n}`, 1] as const),
  fc.tuple(province, letter, digits(4)).map(([p, s, n]) => [`${p}${s}${n}`, 1] as const),
  fc.tuple(province, letter, seriesDigit, digits(5)).map(([p, s, d, n]) => [`${p}${s}${d}${n}`, 2] as const),
  fc.tuple(province, letter, seriesDigit, digits(4)).map(([p, s, d, n]) => [`${p}${s}${d}${n}`, 2] as const),
  fc.tuple(province, fc.constantFrom("LD", "KT", "DA", "HC"), digits(5)).map(([p, s, n]) => [`${p}${s}${n}`, 1] as const),
  fc.tuple(province, seriesDigit, digits(5)).map(([p, d, n]) => [`${p}MD${d}${n}`, 2] as const),
);

describe("plate properties over generated valid plates", () => {
  it("key → display → key is the identity, and the display parses as valid", () => {
    fc.assert(
      fc.property(plate, ([key, rows]) => {
        const display = formatPlate(key, rows);
        const p = parsePlate(display);
        expect(p.valid).toBe(true);
        expect(p.key).toBe(key);
        expect(p.rows).toBe(rows);
        expect(p.display).toBe(display);
      }),
      { numRuns: 1000 },
    );
  });

  it("correctOcr leaves a correct reading alone", () => {
    fc.assert(
      fc.property(plate, ([key, rows]) => {
        const c = correctOcr(formatPlate(key, rows), rows);
        expect(c.substitutions).toBe(0);
        expect(c.key).toBe(key);
      }),
      { numRuns: 500 },
    );
  });

  it("correctOcr restores a digit of the number misread as its look-alike letter", () => {
    fc.assert(
      fc.property(plate, fc.nat(), fc.nat(), ([key, rows], at, pick) => {
        // The registration number is the last 4 or 5 characters, digits on every layout generated here.
        const numberLength = /\d{5}$/.test(key) && key.length !== 7 && !(key.length === 8 && rows === 2) ? 5 : 4;
        const i = key.length - 1 - (at % numberLength);
        const cls = CONFUSION_CLASSES.find((c) => c.includes(key[i]!));
        fc.pre(cls !== undefined); // 3 and 9 have no look-alike letter
        const lookAlikes = [...cls].filter((ch) => ch >= "A");
        const misread = key.slice(0, i) + lookAlikes[pick % lookAlikes.length] + key.slice(i + 1);
        const display = formatPlate(key, rows).replace("Đ", "D");
        // Keep the writing (separators) of the true plate; OCR of a plate in display form looks like this.
        let j = -1;
        const written = [...display].map((ch) => (/[A-Z0-9]/.test(ch) ? misread[++j] : ch)).join("");
        const c = correctOcr(written, rows);
        expect(c.key).toBe(key);
        expect(c.substitutions).toBe(1);
        expect(isNearMatch(misread, key)).toBe(true);
        expect(foldConfusables(misread)).toBe(foldConfusables(key));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("robustness over arbitrary text", () => {
  it("parsePlate, correctOcr and the similarities never throw and stay in range", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: "grapheme" }), fc.string({ maxLength: 20 }), (text, other) => {
        const p = parsePlate(text);
        expect(p.key).toMatch(/^[A-Z0-9]*$/);
        expect(p.valid).toBe(p.problems.length === 0);
        const c = correctOcr(text);
        expect(c.key.length).toBe(p.key.length);
        expect(c.substitutions).toBe(c.changes.length);
        const s = plateSimilarity(text, other);
        expect(s >= 0 && s <= 1).toBe(true);
        const j = jaroWinkler(text, other);
        expect(j >= 0 && j <= 1).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("any separators and case around a valid key: same key, valid, and the display parses back to itself", () => {
    const separator = fc.constantFrom("", "", "", " ", "-", ".", "\n", " - ");
    fc.assert(
      fc.property(plate, fc.array(separator, { minLength: 12, maxLength: 12 }), fc.boolean(), ([key], seps, lower) => {
        const text = [...key].map((ch, i) => (lower ? ch.toLowerCase() : ch) + (i < key.length - 1 ? seps[i] : "")).join("");
        const p = parsePlate(text);
        expect(p.key).toBe(key);
        expect(p.valid).toBe(true);
        const again = parsePlate(p.display, { rows: p.rows });
        expect(again.key).toBe(key);
        expect(again.display).toBe(p.display);
      }),
      { numRuns: 1000 },
    );
  });
});
