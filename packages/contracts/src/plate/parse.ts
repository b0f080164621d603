import { isIssuedSeriesLetter, isNeverIssuedLetter, normaliseText, toPlateKey, TRAILER_SERIES } from "./alphabet.js";
import {
  FOREIGN_MISSION_SERIES,
  LAYOUTS,
  MILITARY_FIRST_LETTERS,
  SPECIAL_SERIES,
  writeNumber,
  writeSeries,
  type LayoutId,
  type PlateKind,
  type PlateLayout,
} from "./layouts.js";
import { provinceName } from "./provinces.js";

export interface ParsedPlate {
  /** The text as given. */
  input: string;
  /** Alphanumeric key, A–Z 0–9 only (what events, the database and watchlists store): `51F12345`. */
  key: string;
  /** As written on one line: `51F-123.45`, two-row plates as `59-X1 234.56`. The key when unparseable. */
  display: string;
  rows: 1 | 2;
  /** The display split into the plate's physical rows: `["59-X1", "234.56"]`. */
  displayRows: string[];
  valid: boolean;
  /** Why the plate is invalid (empty when valid). */
  problems: string[];
  kind: PlateKind;
  layout?: LayoutId;
  provinceCode?: string;
  province?: string;
  /** The series as written (`F`, `X1`, `LD`, `MĐ1`, `NG`; the unit code on military plates). */
  series?: string;
  seriesMeaning?: string;
  /** The registration number digits (`12345`). */
  number?: string;
  /** Foreign-mission plates: the 3-digit country / organisation code. */
  country?: string;
  /**
   * Other valid ways to read the same text, as displays: `59X12345` is the car `59X-123.45` and
   * also the old motorbike `59-X1 2345`. Empty when the text (its rows, its separators) settles it.
   */
  alternatives: string[];
}

export interface ParseOptions {
  /** The number of rows when known (e.g. from the detector's crop aspect ratio); otherwise read from the text. */
  rows?: 1 | 2;
}

export interface Reading {
  layout: PlateLayout;
  naturalRows: 1 | 2;
  kind: PlateKind;
  problems: string[];
  provinceCode?: string;
  series?: string;
  seriesMeaning?: string;
  number?: string;
  country?: string;
  write: (rows: 1 | 2) => string;
}

/**
 * How many rows the text itself shows: a line break, or the motorbike form `59-X1 234.56` (a dash
 * after the province, a space before the number), mean two; the car form `51F-123.45` means one.
 */
export function rowsFromText(text: string): 1 | 2 | undefined {
  const t = normaliseText(text).trim();
  if (/\S\s*[\r\n]+\s*\S/.test(t)) return 2;
  if (/^[^A-Z0-9]*\d{2}\s*[-–\s]\s*[A-Z]{1,2}\d?\s+\d/.test(t)) return 2;
  if (/^[^A-Z0-9]*\d{2}\s*[A-Z]{1,2}\s*[-–]\s*\d/.test(t)) return 1;
  return undefined;
}

function provinceProblems(code: string): string[] {
  return provinceName(code) ? [] : [`unknown province code "${code}"`];
}

/** R is issued only as the one-letter trailer series. */
function letterProblems(letters: string, allowTrailer = false): string[] {
  const problems: string[] = [];
  for (const ch of letters) {
    if (isNeverIssuedLetter(ch)) problems.push(`series letter "${ch}" is never issued on Vietnamese plates`);
    else if (!isIssuedSeriesLetter(ch) && !(allowTrailer && ch === TRAILER_SERIES)) problems.push(`series letter "${ch}" is not issued here`);
  }
  return problems;
}

/** Registration numbers run from 000.01 (0001 on old plates, 01 on foreign-mission plates): all zeros is never issued. */
function read(layout: PlateLayout, m: RegExpExecArray): Reading {
  const r = readParts(layout, m);
  if (r.number !== undefined && /^0+$/.test(r.number)) r.problems.push(`registration number ${writeNumber(r.number)} is never issued`);
  return r;
}

function readParts(layout: PlateLayout, m: RegExpExecArray): Reading {
  const base = { layout, naturalRows: layout.defaultRows };
  switch (layout.id) {
    case "car-5":
    case "car-4": {
      const [, p, s, n] = m as unknown as [string, string, string, string];
      const trailer = s === TRAILER_SERIES;
      return {
        ...base,
        kind: trailer ? "trailer" : "car",
        problems: [...provinceProblems(p), ...letterProblems(s, true)],
        provinceCode: p,
        series: s,
        seriesMeaning: SPECIAL_SERIES[s]?.meaning,
        number: n,
        write: () => `${p}${s}-${writeNumber(n)}`,
      };
    }
    case "motorbike-5":
    case "motorbike-4": {
      const [, p, s, n] = m as unknown as [string, string, string, string];
      const problems = [...provinceProblems(p), ...letterProblems(s[0]!)];
      if (s[1] === "0") problems.push(`motorbike series "${s}": series digit 0 is not issued`);
      return {
        ...base,
        kind: "motorbike",
        problems,
        provinceCode: p,
        series: s,
        number: n,
        write: (rows) => (rows === 2 ? `${p}-${s} ${writeNumber(n)}` : `${p}${s}-${writeNumber(n)}`),
      };
    }
    case "two-letter-5":
    case "two-letter-4": {
      const [, p, s, n] = m as unknown as [string, string, string, string];
      const special = SPECIAL_SERIES[s];
      const w = writeSeries(s);
      if (special && FOREIGN_MISSION_SERIES.has(s) && n.length === 5) {
        return {
          ...base,
          naturalRows: 1,
          kind: special.kind,
          problems: provinceProblems(p),
          provinceCode: p,
          series: s,
          seriesMeaning: special.meaning,
          number: n.slice(3),
          country: n.slice(0, 3),
          write: () => `${p}${s}-${n.slice(0, 3)}-${n.slice(3)}`,
        };
      }
      // A two-letter series without a special meaning is a motorbike series (mopeds < 50 cc before
      // 2023, every new motorbike since Circular 24/2023): two rows.
      const moped = !special;
      return {
        ...base,
        naturalRows: moped || special.kind === "motorbike" ? 2 : 1,
        kind: special?.kind ?? "motorbike",
        problems: [...provinceProblems(p), ...(moped ? letterProblems(s).map((x) => x.replace(/^series/, "motorbike series")) : [])],
        provinceCode: p,
        series: w,
        seriesMeaning: special?.meaning,
        number: n,
        write: (rows) => (rows === 2 ? `${p}-${w} ${writeNumber(n)}` : `${p}${w}-${writeNumber(n)}`),
      };
    }
    case "electric-5": {
      const [, p, s, n] = m as unknown as [string, string, string, string];
      const letters = s.slice(0, 2);
      const problems = provinceProblems(p);
      if (letters !== "MD") problems.push(`series "${s}": only MĐ (electric motorbikes) takes two letters and a digit`);
      if (s[2] === "0") problems.push(`series "${s}": series digit 0 is not issued`);
      const w = writeSeries(s);
      return {
        ...base,
        kind: "motorbike",
        problems,
        provinceCode: p,
        series: w,
        seriesMeaning: SPECIAL_SERIES[letters]?.meaning,
        number: n,
        write: (rows) => (rows === 2 ? `${p}-${w} ${writeNumber(n)}` : `${p}${w}-${writeNumber(n)}`),
      };
    }
    case "diplomatic-old": {
      const [, p, c, s, n] = m as unknown as [string, string, string, string, string];
      const special = SPECIAL_SERIES[s];
      const problems = provinceProblems(p);
      if (!FOREIGN_MISSION_SERIES.has(s)) problems.push(`series "${s}" after a country code must be NG, CV, QT or NN`);
      return {
        ...base,
        kind: special?.kind ?? "unknown",
        problems,
        provinceCode: p,
        series: s,
        seriesMeaning: special?.meaning,
        number: n,
        country: c,
        write: () => `${p}-${c}-${s}-${n}`,
      };
    }
    case "military": {
      const [, s, n] = m as unknown as [string, string, string];
      const problems = MILITARY_FIRST_LETTERS.includes(s[0]!) ? [] : [`"${s}" is not a military unit code`];
      return {
        ...base,
        kind: "military",
        problems,
        series: s,
        seriesMeaning: "xe quân đội",
        number: n,
        write: () => `${s}-${n.slice(0, 2)}-${n.slice(2)}`,
      };
    }
    case "temporary": {
      const [, , p, n] = m as unknown as [string, string, string, string];
      return {
        ...base,
        kind: "temporary",
        problems: provinceProblems(p),
        provinceCode: p,
        series: "T",
        seriesMeaning: "biển số tạm thời",
        number: n,
        write: () => `T${p}-${writeNumber(n)}`,
      };
    }
  }
}

/**
 * Where the written text breaks between groups, as key positions: `51F-123.45` → {3, 6},
 * `59-X1 234.56` → {2, 4, 7}. Separators in a reading are evidence of its layout.
 */
export function groupBreaks(text: string): Set<number> {
  return breaksOfNormalised(normaliseText(text));
}

/** groupBreaks of text already upper-case A–Z/0–9 plus separators (and the Đ of written series). */
function breaksOfNormalised(text: string): Set<number> {
  const breaks = new Set<number>();
  let count = 0;
  let pending = false;
  for (const ch of text) {
    if ((ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "Đ") {
      if (pending && count > 0) breaks.add(count);
      pending = false;
      count++;
    } else pending = true;
  }
  return breaks;
}

export interface RankHints {
  rows?: 1 | 2;
  /** Group breaks of the original text (see groupBreaks). */
  breaks?: Set<number>;
}

/** How badly a reading contradicts the hints: rows first (a motorbike layout never has one row), then separators. */
export function hintMismatch(r: Reading, hints: RankHints): number {
  let cost = 0;
  if (hints.rows === 1 && r.naturalRows === 2) cost += 25;
  // Cars do carry square two-row plates, so a two-row hint weighs little against a car layout.
  if (hints.rows === 2 && r.naturalRows === 1) cost += 3;
  if (hints.breaks && hints.breaks.size > 0) {
    let best = Infinity;
    for (const rows of [1, 2] as const) {
      const written = breaksOfNormalised(r.write(rows));
      let missing = 0;
      for (const b of hints.breaks) if (!written.has(b)) missing++;
      best = Math.min(best, missing);
    }
    cost += 15 * best;
  }
  return cost;
}

/** The reading of a key as one layout, or undefined when the key does not have that layout's shape. */
export function readAs(layout: PlateLayout, key: string): Reading | undefined {
  const m = layout.pattern.exec(key);
  return m ? read(layout, m) : undefined;
}

/** Every layout reading of a key, best first: valid before invalid, then agreement with the hints, then layout order. */
export function readings(key: string, hints: RankHints = {}): Reading[] {
  const found: Array<Reading & { order: number }> = [];
  LAYOUTS.forEach((layout, order) => {
    const m = layout.pattern.exec(key);
    if (m) found.push({ ...read(layout, m), order });
  });
  const score = (r: Reading & { order: number }) => (r.problems.length === 0 ? 0 : 1000) + hintMismatch(r, hints) + r.order / 100;
  return found.sort((a, b) => score(a) - score(b));
}

function splitRows(display: string, rows: 1 | 2): string[] {
  if (rows === 1) return [display];
  const space = display.indexOf(" ");
  if (space > 0) return [display.slice(0, space), display.slice(space + 1)];
  const dash = display.indexOf("-");
  return dash > 0 ? [display.slice(0, dash), display.slice(dash + 1)] : [display];
}

/**
 * Parses any written form of a Vietnamese plate: display forms (`51F-123.45`, `59-X1 234.56`),
 * bare keys (`51F12345`), two rows separated by a line break, lower case, Đ, stray punctuation.
 * Never throws: an unreadable plate comes back with `valid: false` and the reasons.
 */
export function parsePlate(text: string, options: ParseOptions = {}): ParsedPlate {
  const input = typeof text === "string" ? text : "";
  const key = toPlateKey(input);
  const hint = options.rows ?? rowsFromText(input);
  if (key.length === 0) {
    return { input, key, display: "", rows: hint ?? 1, displayRows: [""], valid: false, problems: ["empty plate text"], kind: "unknown", alternatives: [] };
  }
  const hints: RankHints = { ...(hint !== undefined && { rows: hint }), breaks: groupBreaks(input) };
  const ranked = readings(key, hints);
  const best = ranked[0];
  if (!best) {
    const problems =
      key.length < 6
        ? [`"${key}" is too short for a Vietnamese plate`]
        : key.length > 10
          ? [`"${key}" is too long for a Vietnamese plate`]
          : [`"${key}" does not match any Vietnamese plate layout`];
    const rows = hint ?? 1;
    return { input, key, display: key, rows, displayRows: [key], valid: false, problems, kind: "unknown", alternatives: [] };
  }
  const rows = hint ?? best.naturalRows;
  const display = best.write(rows);
  const alternatives = ranked
    .slice(1)
    .filter((r) => r.problems.length === 0 && hintMismatch(r, hints) === 0)
    .map((r) => r.write(r.naturalRows))
    .filter((d) => d !== display);
  const province = best.provinceCode ? provinceName(best.provinceCode) : undefined;
  return {
    input,
    key,
    display,
    rows,
    displayRows: splitRows(display, rows),
    valid: best.problems.length === 0,
    problems: best.problems,
    kind: best.kind,
    layout: best.layout.id,
    ...(best.provinceCode !== undefined && { provinceCode: best.provinceCode }),
    ...(province !== undefined && { province }),
    ...(best.series !== undefined && { series: best.series }),
    ...(best.seriesMeaning !== undefined && { seriesMeaning: best.seriesMeaning }),
    ...(best.number !== undefined && { number: best.number }),
    ...(best.country !== undefined && { country: best.country }),
    alternatives,
  };
}

/** Key (or any form) → display form. `rows` picks the two-row reading where the key alone is ambiguous (`59X12345`). */
export function formatPlate(key: string, rows?: 1 | 2): string {
  return parsePlate(key, rows === undefined ? {} : { rows }).display;
}

/** True when the text is a valid Vietnamese plate in any written form. */
export function isValidPlate(text: string): boolean {
  return parsePlate(text).valid;
}

/** One line for people: `51F-123.45 · TP. Hồ Chí Minh`, `TM-12-34 · Quân đội`; the display alone otherwise. */
export function describePlate(text: string, options: ParseOptions = {}): string {
  const p = parsePlate(text, options);
  if (p.province) return `${p.display} · ${p.province}`;
  if (p.kind === "military") return `${p.display} · Quân đội`;
  return p.display;
}
