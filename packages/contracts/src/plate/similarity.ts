import { areConfusable, foldChar, toPlateKey } from "./alphabet.js";

/** Cost of substituting one look-alike for another (0/O, 1/l, 8/B…); any other edit costs 1. */
export const CONFUSABLE_SUBSTITUTION_COST = 0.2;

/**
 * Default near-match threshold. Keys are 6–10 characters, so at 0.92 a near match is a reading that
 * differs only by look-alikes (up to three of them on an 8-character key) and never by a genuinely
 * different character, insertion or deletion: the watchlist gets OCR confusions without paging an
 * officer for `51F-923.45` when it wants `51F-123.45`.
 */
export const NEAR_MATCH_THRESHOLD = 0.92;

/**
 * The confusion-folded key: every look-alike class replaced by one representative, so
 * `foldConfusables("51F-l23.45") === foldConfusables("51F-123.45")`. The database indexes this for
 * fuzzy search and watchlist candidates, then ranks them with `plateSimilarity`.
 */
export function foldConfusables(text: string): string {
  let out = "";
  for (const ch of toPlateKey(text)) out += foldChar(ch);
  return out;
}

/** Weighted edit distance between two plates' keys: look-alike substitutions are cheap, other edits cost 1. */
export function plateDistance(a: string, b: string, confusableCost = CONFUSABLE_SUBSTITUTION_COST): number {
  return keyDistance(toPlateKey(a), toPlateKey(b), confusableCost);
}

function keyDistance(x: string, y: string, confusableCost: number): number {
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const cx = x[i - 1]!;
      const cy = y[j - 1]!;
      const sub = cx === cy ? 0 : areConfusable(cx, cy) ? confusableCost : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + sub);
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** 1 − distance / longer key length, in 0..1; 1 means the same plate, look-alikes cost 0.2 each. */
export function plateSimilarity(a: string, b: string): number {
  const x = toPlateKey(a);
  const y = toPlateKey(b);
  const len = Math.max(x.length, y.length);
  if (len === 0) return 1;
  if (x === y) return 1;
  return Math.max(0, 1 - keyDistance(x, y, CONFUSABLE_SUBSTITUTION_COST) / len);
}

/** Whether two readings are plausibly the same plate under OCR confusion (see NEAR_MATCH_THRESHOLD). */
export function isNearMatch(a: string, b: string, threshold = NEAR_MATCH_THRESHOLD): boolean {
  if (toPlateKey(a).length === 0 || toPlateKey(b).length === 0) return false;
  return plateSimilarity(a, b) >= threshold;
}

/**
 * Jaro–Winkler similarity (0..1) of two strings as given (pass keys to compare plates). Rewards a
 * shared prefix, which suits plates: province and series come first and OCR errs less on them.
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * prefixScale * (1 - jaro);
}
