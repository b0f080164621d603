import { DIGIT_TO_LETTER, LETTER_TO_DIGIT, parsePlate } from "@vigil/contracts";
import type { CtcChar } from "../ocr/ctc-decode.js";

/**
 * Format-aware decoding of Vietnamese plates. The reader gives, per character, a probability for
 * every plate character; the plate format says which positions are digits and which letters, so the
 * best reading is the most probable assignment that fits a format — "84-31" becomes "84-B1" because
 * position 3 must be a letter and "B" was the reader's best letter there.
 *
 * Formats (alphanumeric key): province DD, series L or LL or LD, then 4–5 digits.
 * One row (cars): DDL-DDDD, DDL-DDD.DD, DDLL-DDD.DD. Two rows (motorbikes, square car plates):
 * top DD-L, DD-LD or DD-LL; bottom DDDD or DDD.DD.
 */

type CharClass = "D" | "L" | "A";

const TOP_TEMPLATES: readonly CharClass[][] = [
  ["D", "D", "L"],
  ["D", "D", "L", "A"],
  // Newer motorbike series such as 29-MD1.
  ["D", "D", "L", "L", "D"],
];
const BOTTOM_TEMPLATES: readonly CharClass[][] = [
  ["D", "D", "D", "D"],
  ["D", "D", "D", "D", "D"],
];
const ONE_ROW_TEMPLATES: CharClass[][] = [];
for (const top of TOP_TEMPLATES) for (const bottom of BOTTOM_TEMPLATES) ONE_ROW_TEMPLATES.push([...top, ...bottom]);

const DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Letters Vietnamese plates never use as a series letter (look too much like digits or each other). */
const UNUSED_LETTERS = new Set(["I", "J", "O", "Q", "W"]);

/**
 * Prior for the series' second character being a letter rather than a digit: on two-row plates
 * digits (59-X1) far outnumber letters (59-TA); "Z"/"2" and "L"/"4" look alike there.
 */
const SECOND_SERIES_LETTER_PRIOR = { 1: 0.7, 2: 0.45 } as const;

/**
 * Cost (log-probability) of dropping a character the format has no room for: border marks, bolts,
 * stray dots. An unsure character at the left edge of the line (where the frame and bolts read as
 * "1") is cheap to drop; inside the line dropping costs more, and a confident character is kept.
 */
function dropCost(c: CtcChar): number {
  const atLeftEdge = c.position !== undefined && c.position < 0.12;
  // Inside the line most characters are real, even unsure ones (the last of a line often is).
  return Math.min(Math.log(0.9), Math.log(Math.max(0.02, 1 - c.confidence)) + (atLeftEdge ? 0 : Math.log(0.3)));
}

export interface PlateDecode {
  /** Alphanumeric key, e.g. 59X123456. */
  plate: string;
  display: string;
  rows: 1 | 2;
  valid: boolean;
  /** Per character, the probability of the chosen character. */
  charConfidences: number[];
  confidence: number;
  /** What the reader gave before correction (for logs and eval). */
  raw: string;
}

interface Fit {
  chars: string[];
  probs: number[];
  score: number;
}

/** Never-issued letters read where a series letter belongs → the issued letter they resemble ("W" is a narrow "M" here). */
const UNISSUED_TO_LETTER: Readonly<Record<string, string>> = { O: "D", Q: "D", I: "L", J: "L", W: "M" };

/** Share of a look-alike's probability credited to the character the position needs. */
const LOOKALIKE_WEIGHT = 0.2;

/**
 * Probability of each candidate for a position of a class: the reader's own probability plus part
 * of its look-alikes' (a "0" read where a letter must be counts for "D", an "O" for "D" too).
 */
function classScores(c: CtcChar, cls: CharClass, position: number, rows: 1 | 2): Map<string, number> {
  const scores = new Map<string, number>();
  const add = (ch: string, v: number) => scores.set(ch, (scores.get(ch) ?? 0) + v);
  for (const [ch, prob] of c.alternatives) {
    const isDigit = DIGITS.includes(ch);
    const letterPrior = cls === "A" && position === 3 ? SECOND_SERIES_LETTER_PRIOR[rows] : 1;
    if (cls !== "L" && isDigit) add(ch, prob);
    if (cls !== "D" && !isDigit) {
      if (!UNUSED_LETTERS.has(ch)) add(ch, prob * letterPrior);
      else if (UNISSUED_TO_LETTER[ch]) add(UNISSUED_TO_LETTER[ch]!, prob * letterPrior);
    }
    if (cls === "D" && !isDigit && LETTER_TO_DIGIT[ch]) add(LETTER_TO_DIGIT[ch]!, prob * LOOKALIKE_WEIGHT);
    // Digit → letter only for "0" → "D" (MD, LD series): the reader's own letter alternatives are better for the rest.
    if (cls === "L" && ch === "0") add(DIGIT_TO_LETTER[ch]!, prob * LOOKALIKE_WEIGHT);
  }
  return scores;
}

function bestInClass(c: CtcChar, cls: CharClass, position: number, rows: 1 | 2): { char: string; p: number } {
  let char = c.char;
  let p = -1;
  for (const [ch, prob] of classScores(c, cls, position, rows)) {
    if (prob > p) {
      p = prob;
      char = ch;
    }
  }
  // Scale by how sure the reader was that a character is here at all.
  return { char, p: Math.max(1e-6, Math.min(1, (p * Math.max(c.confidence, 0.05)) / Math.max(maxProb(c), 1e-6))) };
}

function maxProb(c: CtcChar): number {
  let m = 0;
  for (const v of c.alternatives.values()) if (v > m) m = v;
  return m;
}

/** Best fit of a read (possibly with extra characters) to one template, by dynamic programming. */
function fitTemplate(read: readonly CtcChar[], template: readonly CharClass[], positionOffset: number, rows: 1 | 2): Fit | undefined {
  const n = read.length;
  const m = template.length;
  if (n < m || n > m + 3) return undefined;
  // dp[i][j]: best score having consumed i read chars and j template positions.
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(-Infinity));
  const back: (0 | 1)[][] = Array.from({ length: n + 1 }, () => new Array<0 | 1>(m + 1).fill(0));
  dp[0]![0] = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 0; j <= Math.min(i, m); j++) {
      const drop = dp[i - 1]![j]! + dropCost(read[i - 1]!);
      let take = -Infinity;
      if (j > 0) take = dp[i - 1]![j - 1]! + Math.log(bestInClass(read[i - 1]!, template[j - 1]!, positionOffset + j - 1, rows).p);
      if (take >= drop) {
        dp[i]![j] = take;
        back[i]![j] = 1;
      } else {
        dp[i]![j] = drop;
        back[i]![j] = 0;
      }
    }
  }
  if (!Number.isFinite(dp[n]![m]!)) return undefined;
  const chars: string[] = [];
  const probs: number[] = [];
  let i = n;
  let j = m;
  while (i > 0) {
    if (back[i]![j] === 1) {
      const best = bestInClass(read[i - 1]!, template[j - 1]!, positionOffset + j - 1, rows);
      chars.unshift(best.char);
      probs.unshift(best.p);
      j--;
    }
    i--;
  }
  return { chars, probs, score: dp[n]![m]! };
}

function bestFit(read: readonly CtcChar[], templates: readonly CharClass[][], positionOffset: number, rows: 1 | 2): Fit | undefined {
  let best: Fit | undefined;
  for (const t of templates) {
    const fit = fitTemplate(read, t, positionOffset, rows);
    if (fit && (!best || fit.score > best.score)) best = fit;
  }
  return best;
}

/** Decodes one- or two-row reader output into the most probable valid plate (or the raw text, marked invalid). */
export function decodePlate(lines: readonly (readonly CtcChar[])[]): PlateDecode {
  const rows: 1 | 2 = lines.length >= 2 ? 2 : 1;
  const raw = lines.map((l) => l.map((c) => c.char).join("")).join(rows === 2 ? " " : "");
  let fit: Fit | undefined;
  let topLength = 0;
  if (rows === 2) {
    const top = bestFit(lines[0]!, TOP_TEMPLATES, 0, 2);
    const bottom = top ? bestFit(lines[1]!, BOTTOM_TEMPLATES, top.chars.length, 2) : undefined;
    if (top && bottom) {
      fit = { chars: [...top.chars, ...bottom.chars], probs: [...top.probs, ...bottom.probs], score: top.score + bottom.score };
      topLength = top.chars.length;
    }
  } else {
    fit = bestFit(lines[0] ?? [], ONE_ROW_TEMPLATES, 0, 1);
  }
  if (!fit) {
    const all = lines.flat();
    const plate = all.map((c) => c.char).join("");
    const probs = all.map((c) => c.confidence);
    return { plate, display: plate, rows, valid: false, charConfidences: probs, confidence: summarise(probs) * 0.5, raw };
  }
  const plate = fit.chars.join("");
  // The contracts' plate module has the last word on validity (province codes, special series) and the display form.
  const parsed = parsePlate(topLength ? `${plate.slice(0, topLength)} ${plate.slice(topLength)}` : plate, { rows });
  return {
    plate,
    display: parsed.valid ? parsed.display : formatPlate(plate, rows, topLength || undefined),
    rows,
    valid: parsed.valid,
    charConfidences: fit.probs.map((p) => Math.min(1, p)),
    confidence: summarise(fit.probs),
    raw,
  };
}

/** A plate is as sure as its least sure character, softened by the mean so one 0.6 is not fatal. */
function summarise(probs: readonly number[]): number {
  if (probs.length === 0) return 0;
  const min = Math.min(...probs);
  const mean = probs.reduce((a, b) => a + b, 0) / probs.length;
  return Math.max(0, Math.min(1, 0.5 * min + 0.5 * mean));
}

/** Series length (letters plus optional second character) of an alphanumeric plate key. */
function seriesLength(plate: string, topLength?: number): number {
  if (topLength !== undefined) return topLength - 2;
  const digitsAfter = plate.length - 3;
  // DDLL… or DDLD with 9 characters: two-character series.
  if (LETTERS.includes(plate[3] ?? "0") || digitsAfter > 5) return 2;
  return 1;
}

function formatNumber(digits: string): string {
  return digits.length === 5 ? `${digits.slice(0, 3)}.${digits.slice(3)}` : digits;
}

/** Display form: one row `51F-123.45`, two rows `59-X1 234.56` (the space is the line break). */
export function formatPlate(plate: string, rows: 1 | 2, topLength?: number): string {
  const s = seriesLength(plate, topLength);
  const province = plate.slice(0, 2);
  const series = plate.slice(2, 2 + s);
  const number = formatNumber(plate.slice(2 + s));
  if (rows === 2) return `${province}-${series} ${number}`;
  return `${province}${series}-${number}`;
}
