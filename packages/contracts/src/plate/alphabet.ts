/**
 * Characters of Vietnamese plates and how OCR confuses them.
 *
 * Series letters since 2010 (Circular 36/2010, kept by 58/2020 and 24/2023) are
 * A B C D E F G H K L M N P S T U V X Y Z. I, J, O, Q and W are never issued (I/J/O/Q are too
 * close to 1 and 0); R appears only as the trailer series ("51R-…"). Đ is written on the special
 * series MĐ (electric motorbikes) and TĐ (pilot vehicles); keys store it as D.
 */
export const SERIES_LETTERS = "ABCDEFGHKLMNPSTUVXYZ";
export const TRAILER_SERIES = "R";
const NEVER_ISSUED = new Set(["I", "J", "O", "Q", "W"]);

export function isIssuedSeriesLetter(ch: string): boolean {
  return SERIES_LETTERS.includes(ch);
}
export function isNeverIssuedLetter(ch: string): boolean {
  return NEVER_ISSUED.has(ch);
}

export function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}
export function isLetter(ch: string): boolean {
  return ch >= "A" && ch <= "Z";
}

/**
 * Upper-cases and strips diacritics (Đ → D, also full-width forms) so every later step sees A–Z, 0–9
 * and separators only.
 */
export function normaliseText(text: string): string {
  // Fast path: plain ASCII (what OCR and keyboards mostly produce) needs no Unicode normalisation.
  if (/^[\t\n\r\x20-\x7e]*$/.test(text)) return text.toUpperCase();
  return text
    .replace(/[đĐ]/g, "D")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase();
}

/** The alphanumeric key of any written form: `51F-123.45` → `51F12345`, `29-MĐ1 013.53` → `29MD101353`. */
export function toPlateKey(text: string): string {
  return normaliseText(text).replace(/[^A-Z0-9]/g, "");
}

/**
 * Look-alike classes under OCR on plate fonts. Each class folds to its first member; the classes are
 * disjoint so folding is well defined. 3/8 and 9/P are left out on purpose: folding them would make
 * too many distinct plates collide in a watchlist (false alerts) for little recall.
 */
export const CONFUSION_CLASSES: readonly string[] = ["0ODQ", "1ILJ", "2Z", "4A", "5S", "6G", "7T", "8B"];

const FOLD: Record<string, string> = {};
for (const cls of CONFUSION_CLASSES) for (const ch of cls) FOLD[ch] = cls[0]!;

/** The class representative of a character (itself when it has no look-alikes). */
export function foldChar(ch: string): string {
  return FOLD[ch] ?? ch;
}

/** True when OCR plausibly mistakes one for the other. */
export function areConfusable(a: string, b: string): boolean {
  return a === b || (FOLD[a] !== undefined && FOLD[a] === FOLD[b]);
}

/**
 * A letter read where the layout needs a digit → the digit it most likely is. Wider than the
 * folding classes: here the layout already tells us the class, so weaker look-alikes are safe to use.
 */
export const LETTER_TO_DIGIT: Readonly<Record<string, string>> = {
  O: "0",
  D: "0",
  Q: "0",
  U: "0",
  C: "0",
  I: "1",
  L: "1",
  J: "1",
  Z: "2",
  E: "3",
  A: "4",
  H: "4",
  S: "5",
  G: "6",
  T: "7",
  Y: "7",
  B: "8",
  P: "9",
};

/** A digit read where the layout needs a series letter → the issued letter it most likely is. */
export const DIGIT_TO_LETTER: Readonly<Record<string, string>> = {
  "0": "D",
  "1": "L",
  "2": "Z",
  "3": "B",
  "4": "A",
  "5": "S",
  "6": "G",
  "7": "T",
  "8": "B",
  "9": "P",
};

/** A letter that is never issued, read where a series letter belongs → the issued letter it resembles. */
export const UNISSUED_TO_LETTER: Readonly<Record<string, string>> = { O: "D", Q: "D", I: "L", J: "L", W: "V" };
