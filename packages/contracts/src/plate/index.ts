// The Vietnamese plate domain module: shared by inference, alerts and the browser console, so
// nothing here may import Node-only modules.
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
