import { DIGIT_TO_LETTER, isDigit, isNeverIssuedLetter, LAYOUTS, LETTER_TO_DIGIT, parsePlate, UNISSUED_TO_LETTER } from "@vigil/contracts";
import type { CtcChar } from "../ocr/ctc-decode.js";

/**
 * Format-aware decoding of Vietnamese plates. The reader gives, per character, a probability for
 * every plate character; the plate format says which positions are digits and which letters, so the
 * best reading is the most probable assignment that fits a format — "84-31" becomes "84-B1" because
 * position 3 must be a letter and "B" was the reader's best letter there.
 *
 * The grammar is contracts' (packages/contracts/src/plate): the templates come from its province
 * layouts (province, series, number groups), validity and the display form from its parsePlate.
 * What is here is the reader side only: how to score OCR candidates against a template.
 */

/** D digit, L letter, A either (series shapes of one length merged: LD and LL → LA). */
type CharClass = "D" | "L" | "A";

/** The layouts a street camera reads position by position: province plates (province, series, number). */
const PROVINCE_LAYOUTS = LAYOUTS.filter((l) => l.groups.length === 3 && l.groups[0] === "DD");

/** Shapes of one length merged position by position: where they disagree, either class. */
function mergeShapes(shapes: readonly string[]): CharClass[] {
  return [...shapes[0]!].map((c, i) => (shapes.every((s) => s[i] === c) ? (c as CharClass) : "A"));
}

/** Templates from group shapes, one per length (shortest first: ties go to the shorter plate, as before). */
function templates(shapes: readonly string[]): CharClass[][] {
  const byLength = new Map<number, string[]>();
  for (const shape of shapes) byLength.set(shape.length, [...(byLength.get(shape.length) ?? []), shape]);
  return [...byLength.entries()].sort(([a], [b]) => a - b).map(([, same]) => mergeShapes(same));
}

/** Top row (province and series: DD-L, DD-LD/LL, DD-LLD as 29-MĐ1) and bottom row (DDDD, DDD.DD); exported for the test. */
export const TOP_TEMPLATES: readonly CharClass[][] = templates(PROVINCE_LAYOUTS.map((l) => l.groups[0]! + l.groups[1]!));
export const BOTTOM_TEMPLATES: readonly CharClass[][] = templates(PROVINCE_LAYOUTS.map((l) => l.groups[2]!));
const ONE_ROW_TEMPLATES: CharClass[][] = [];
for (const top of TOP_TEMPLATES) for (const bottom of BOTTOM_TEMPLATES) ONE_ROW_TEMPLATES.push([...top, ...bottom]);

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

/** Contracts' never-issued → issued look-alikes, except that this reader's "W" is a narrow "M" (contracts' general guess is "V"). */
const READER_UNISSUED_TO_LETTER: Readonly<Record<string, string>> = { ...UNISSUED_TO_LETTER, W: "M" };

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
    const digit = isDigit(ch);
    const letterPrior = cls === "A" && position === 3 ? SECOND_SERIES_LETTER_PRIOR[rows] : 1;
    if (cls !== "L" && digit) add(ch, prob);
    if (cls !== "D" && !digit) {
      if (!isNeverIssuedLetter(ch)) add(ch, prob * letterPrior);
      else if (READER_UNISSUED_TO_LETTER[ch]) add(READER_UNISSUED_TO_LETTER[ch]!, prob * letterPrior);
    }
    if (cls === "D" && !digit && LETTER_TO_DIGIT[ch]) add(LETTER_TO_DIGIT[ch]!, prob * LOOKALIKE_WEIGHT);
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
  const parsed = parsePlateRead(plate, rows, topLength || undefined);
  return {
    plate,
    display: parsed.display,
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

/**
 * The contracts' reading of a decoded key: it has the last word on validity (province codes, special
 * series) and the display form. The row split the reader saw (`topLength` characters on the top row)
 * is passed as a written break, so an ambiguous key keeps the layout the reader found.
 */
export function parsePlateRead(plate: string, rows: 1 | 2, topLength?: number) {
  return parsePlate(topLength ? `${plate.slice(0, topLength)} ${plate.slice(topLength)}` : plate, { rows });
}
