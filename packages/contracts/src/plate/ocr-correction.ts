import { DIGIT_TO_LETTER, isDigit, isLetter, isNeverIssuedLetter, LETTER_TO_DIGIT, toPlateKey, UNISSUED_TO_LETTER } from "./alphabet.js";
import { LAYOUTS, type LayoutId } from "./layouts.js";
import { groupBreaks, hintMismatch, parsePlate, readAs, rowsFromText, type ParsedPlate, type RankHints } from "./parse.js";

export interface OcrChange {
  /** Position in the key. */
  index: number;
  from: string;
  to: string;
}

export interface OcrCorrection {
  /** The corrected key (the raw key when no layout fits). */
  key: string;
  display: string;
  rows: 1 | 2;
  valid: boolean;
  /** How many characters were changed; 0 when the reading already fitted a layout. */
  substitutions: number;
  changes: OcrChange[];
  layout?: LayoutId;
  plate: ParsedPlate;
}

/** Forces a key into a layout's digit/letter shape, or returns undefined if some character has no look-alike of the needed class. */
function coerce(key: string, shape: string): { key: string; changes: OcrChange[] } | undefined {
  const out: string[] = [];
  const changes: OcrChange[] = [];
  for (let i = 0; i < key.length; i++) {
    const ch = key[i]!;
    let to: string | undefined = ch;
    if (shape[i] === "D" && !isDigit(ch)) to = LETTER_TO_DIGIT[ch];
    else if (shape[i] === "L" && isDigit(ch)) to = DIGIT_TO_LETTER[ch];
    else if (shape[i] === "L" && isLetter(ch) && isNeverIssuedLetter(ch)) to = UNISSUED_TO_LETTER[ch] ?? ch;
    if (to === undefined) return undefined;
    if (to !== ch) changes.push({ index: i, from: ch, to });
    out.push(to);
  }
  return { key: out.join(""), changes };
}

/**
 * Format-aware OCR correction. Plate layouts fix which positions are digits and which are letters,
 * so a look-alike in the wrong class can be put right: `84-31 234.56` (position 3 of a motorbike
 * plate must be a series letter) → `84-B1 234.56`; `51F-l23.45` → `51F-123.45`.
 *
 * Every layout of the right length is tried; the winner is the valid reading with the fewest
 * substitutions (then the one matching `rows` and the text's separators, then the more common
 * layout). When no substitution yields a valid plate the reading is returned unchanged. Characters
 * are never inserted or dropped: that is the tracker's job, across frames.
 */
export function correctOcr(rawText: string, rows?: 1 | 2): OcrCorrection {
  const raw = toPlateKey(rawText);
  const hint = rows ?? rowsFromText(rawText);
  const hints: RankHints = { ...(hint !== undefined && { rows: hint }), breaks: groupBreaks(rawText) };
  let best: { score: number; key: string; changes: OcrChange[]; layout: LayoutId } | undefined;
  LAYOUTS.forEach((layout, order) => {
    if (layout.shape.length !== raw.length) return;
    const coerced = coerce(raw, layout.shape);
    if (!coerced) return;
    const reading = readAs(layout, coerced.key);
    if (!reading) return;
    const score = (reading.problems.length === 0 ? 0 : 1000) + coerced.changes.length * 10 + hintMismatch(reading, hints) + order / 100;
    if (!best || score < best.score) best = { score, key: coerced.key, changes: coerced.changes, layout: layout.id };
  });
  // Substitutions are only worth making when they produce a valid plate; otherwise the raw reading
  // is kept as it is (a guess that is still invalid would only hide what the camera saw).
  const chosen = best && best.score < 1000 ? best : undefined;
  const key = chosen ? chosen.key : raw;
  const plate = describeAs(key, chosen?.layout, hint);
  return {
    key,
    display: plate.display,
    rows: plate.rows,
    valid: plate.valid,
    substitutions: chosen ? chosen.changes.length : 0,
    changes: chosen ? chosen.changes : [],
    ...(plate.layout !== undefined && { layout: plate.layout }),
    plate,
  };
}

/**
 * Parses the corrected key as the layout the corrector chose: the same key can read two ways
 * (`59X12345`: car 59X-123.45 or old motorbike 59-X1 2345) and the corrector had the evidence.
 */
function describeAs(key: string, layout: LayoutId | undefined, hint: 1 | 2 | undefined): ParsedPlate {
  const plain = parsePlate(key, hint === undefined ? {} : { rows: hint });
  if (!layout || plain.layout === layout) return plain;
  const target = LAYOUTS.find((l) => l.id === layout);
  return parsePlate(key, { rows: hint ?? target?.defaultRows ?? 1 });
}
