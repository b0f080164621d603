/**
 * The Vietnamese plate domain module, shared by inference, alerts and the browser console (so
 * nothing here may import Node-only modules).
 *
 *   parsePlate("59-x1\n234.56")   → { key: "59X123456", display: "59-X1 234.56", rows: 2, kind: "motorbike",
 *                                     province: "TP. Hồ Chí Minh", series: "X1", valid: true, problems: [] }
 *   formatPlate("51F12345")        → "51F-123.45"          (formatPlate("59X12345", 2) → "59-X1 2345")
 *   toPlateKey("29-MĐ1 013.53")    → "29MD101353"
 *   describePlate("51F12345")      → "51F-123.45 · TP. Hồ Chí Minh"
 *   correctOcr("84-31 234.56")     → { key: "84B123456", display: "84-B1 234.56", substitutions: 1, … }
 *   plateSimilarity("51F-l23.45", "51F-123.45") → 0.975;  isNearMatch(…) → true (threshold 0.92)
 *   foldConfusables("51F-l23.45")  → "51F12345"  (index it for fuzzy search; rank with plateSimilarity)
 *   jaroWinkler(a, b)              → 0..1, for clustering readings of one track
 *
 * Layouts, special series and their sources: layouts.ts. Province codes (pre-2025 names): provinces.ts.
 */
export {
  SERIES_LETTERS,
  CONFUSION_CLASSES,
  LETTER_TO_DIGIT,
  DIGIT_TO_LETTER,
  UNISSUED_TO_LETTER,
  areConfusable,
  isIssuedSeriesLetter,
  isNeverIssuedLetter,
  foldChar,
  isDigit,
  isLetter,
  normaliseText,
  toPlateKey,
} from "./alphabet.js";
export { LAYOUTS, SPECIAL_SERIES, type LayoutId, type PlateKind, type PlateLayout, type SeriesInfo } from "./layouts.js";
export { PROVINCE_CODES, provinceCodes, provinceName } from "./provinces.js";
export { describePlate, formatPlate, isValidPlate, parsePlate, rowsFromText, type ParseOptions, type ParsedPlate } from "./parse.js";
export { correctOcr, type OcrChange, type OcrCorrection } from "./ocr-correction.js";
export {
  CONFUSABLE_SUBSTITUTION_COST,
  NEAR_MATCH_THRESHOLD,
  foldConfusables,
  isNearMatch,
  jaroWinkler,
  plateDistance,
  plateSimilarity,
} from "./similarity.js";
