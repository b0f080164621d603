/**
 * The layouts of Vietnamese plates, as alphanumeric keys. Each layout says which key positions are
 * digits and which letters (the OCR corrector relies on that), how the key splits into province /
 * series / number, and how it is written.
 *
 * Sources: Circulars 58/2020/TT-BCA (art. 25, appendices 02–03) and 24/2023/TT-BCA.
 *   car            51F-123.45   (since 2010; older cars 51F-1234)
 *   two-letter car 51LD-123.45  (special series, see SPECIAL_SERIES)
 *   motorbike      59-X1 234.56 (two rows: "59-X1" over "234.56"; older 59-X1 2345)
 *   motorbike      59-AA 123.45 (two rows, two-letter series: mopeds < 50 cc before 2023, and every
 *                               motorbike registered since Circular 24/2023, in force 15 Aug 2023)
 *   electric       29-MĐ1 013.53
 *   diplomatic     80NG-636-70 (country code 636, vehicle 70); older 80-011-NG-01
 *   military       TM-12-34     (unit letters, no province; red plates)
 *   temporary      T51-123.45
 * Registration numbers run 000.01–999.99 (0001–9999 on old plates).
 *
 * Best effort, from secondary sources: the military unit letters and the temporary-plate layout.
 * Not modelled: economic-zone plates (yellow with red letters, e.g. LB Lao Bảo) and pre-2003 forms.
 */

export type PlateKind =
  | "car"
  | "motorbike"
  | "trailer"
  | "special"
  | "diplomatic"
  | "international"
  | "foreign"
  | "military"
  | "temporary"
  | "unknown";

export type LayoutId =
  | "car-5"
  | "car-4"
  | "motorbike-5"
  | "motorbike-4"
  | "two-letter-5"
  | "two-letter-4"
  | "electric-5"
  | "diplomatic-old"
  | "military"
  | "temporary";

export interface PlateLayout {
  id: LayoutId;
  /** One char per key position: D = digit, L = letter (the groups joined). */
  shape: string;
  /**
   * The shape of each group of the key, in order (the pattern's capture groups): `["DD", "L", "DDDDD"]`
   * is province, series, number. Readers that build plates position by position (inference's OCR
   * decoder) take their templates from here.
   */
  groups: readonly string[];
  /** Rows when nothing else tells: motorbikes are two-row, cars one-row. */
  defaultRows: 1 | 2;
  pattern: RegExp;
}

const layout = (id: LayoutId, groups: readonly string[], defaultRows: 1 | 2, pattern: RegExp): PlateLayout => ({ id, shape: groups.join(""), groups, defaultRows, pattern });

export const LAYOUTS: readonly PlateLayout[] = [
  layout("car-5", ["DD", "L", "DDDDD"], 1, /^(\d\d)([A-Z])(\d{5})$/),
  layout("motorbike-5", ["DD", "LD", "DDDDD"], 2, /^(\d\d)([A-Z]\d)(\d{5})$/),
  layout("two-letter-5", ["DD", "LL", "DDDDD"], 1, /^(\d\d)([A-Z]{2})(\d{5})$/),
  layout("car-4", ["DD", "L", "DDDD"], 1, /^(\d\d)([A-Z])(\d{4})$/),
  layout("motorbike-4", ["DD", "LD", "DDDD"], 2, /^(\d\d)([A-Z]\d)(\d{4})$/),
  layout("two-letter-4", ["DD", "LL", "DDDD"], 1, /^(\d\d)([A-Z]{2})(\d{4})$/),
  layout("electric-5", ["DD", "LLD", "DDDDD"], 2, /^(\d\d)([A-Z]{2}\d)(\d{5})$/),
  layout("diplomatic-old", ["DD", "DDD", "LL", "DD"], 1, /^(\d\d)(\d{3})([A-Z]{2})(\d{2})$/),
  layout("military", ["LL", "DDDD"], 1, /^([A-Z]{2})(\d{4})$/),
  layout("temporary", ["L", "DD", "DDDDD"], 1, /^(T)(\d\d)(\d{5})$/),
];

export interface SeriesInfo {
  kind: PlateKind;
  meaning: string;
  /** How the series is written when it differs from the key (Đ). */
  written?: string;
}

/** Two-letter (and R) series with a meaning of their own. Any other two letters are a motorbike series. */
export const SPECIAL_SERIES: Readonly<Record<string, SeriesInfo>> = {
  LD: { kind: "special", meaning: "doanh nghiệp có vốn đầu tư nước ngoài, xe thuê của nước ngoài" },
  DA: { kind: "special", meaning: "xe của ban quản lý dự án có vốn nước ngoài" },
  KT: { kind: "special", meaning: "xe của doanh nghiệp quân đội làm kinh tế" },
  MK: { kind: "special", meaning: "máy kéo" },
  TD: { kind: "special", meaning: "xe lắp ráp trong nước chạy thí điểm", written: "TĐ" },
  HC: { kind: "special", meaning: "ô tô hạn chế phạm vi hoạt động" },
  CD: { kind: "special", meaning: "xe chuyên dùng của Công an nhân dân (biển xanh)" },
  MD: { kind: "motorbike", meaning: "xe máy điện", written: "MĐ" },
  NG: { kind: "diplomatic", meaning: "cơ quan đại diện ngoại giao, lãnh sự" },
  CV: { kind: "diplomatic", meaning: "nhân viên hành chính kỹ thuật của cơ quan ngoại giao (công vụ)" },
  QT: { kind: "international", meaning: "cơ quan đại diện tổ chức quốc tế" },
  NN: { kind: "foreign", meaning: "tổ chức, cá nhân nước ngoài" },
  R: { kind: "trailer", meaning: "rơ moóc, sơ mi rơ moóc" },
};

/** Series of foreign-mission plates, whose number is a 3-digit country code and a 2-digit vehicle number. */
export const FOREIGN_MISSION_SERIES = new Set(["NG", "CV", "QT", "NN"]);

/**
 * First letters of military unit codes (red plates without a province): A army corps, B arms,
 * H academies, K military regions, P agencies, Q services, T general departments (e.g. TM, KA, QP).
 */
export const MILITARY_FIRST_LETTERS = "ABCDHKPQTV";

/** Writes a 5-digit number as 123.45 and leaves a 4-digit one as is. */
export function writeNumber(digits: string): string {
  return digits.length === 5 ? `${digits.slice(0, 3)}.${digits.slice(3)}` : digits;
}

/** The series as written on the plate (MD → MĐ, MD1 → MĐ1). */
export function writeSeries(series: string): string {
  const letters = series.replace(/\d+$/, "");
  const written = SPECIAL_SERIES[letters]?.written;
  return written ? written + series.slice(letters.length) : series;
}
