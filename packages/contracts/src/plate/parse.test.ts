import { describe, expect, it } from "vitest";
import { toPlateKey } from "./alphabet.js";
import type { PlateKind } from "./layouts.js";
import { describePlate, formatPlate, isValidPlate, parsePlate, rowsFromText } from "./parse.js";

const HCM = "TP. Hồ Chí Minh";
const HN = "Hà Nội";

// [written form, key, rows, kind, province]
const VALID: Array<[string, string, 1 | 2, PlateKind, string | undefined]> = [
  // Cars since 2010: two digits, a series letter, five digits as 123.45.
  ["51F-123.45", "51F12345", 1, "car", HCM],
  ["30A-999.99", "30A99999", 1, "car", HN],
  ["29A-123.45", "29A12345", 1, "car", HN],
  ["30K-456.78", "30K45678", 1, "car", HN],
  ["31F-234.56", "31F23456", 1, "car", HN],
  ["33A-012.34", "33A01234", 1, "car", HN],
  ["40A-123.45", "40A12345", 1, "car", HN],
  ["41A-123.45", "41A12345", 1, "car", HCM],
  ["50H-123.45", "50H12345", 1, "car", HCM],
  ["51G-678.90", "51G67890", 1, "car", HCM],
  ["51D-123.45", "51D12345", 1, "car", HCM],
  ["29C-123.45", "29C12345", 1, "car", HN],
  ["43A-555.21", "43A55521", 1, "car", "Đà Nẵng"],
  ["15A-123.45", "15A12345", 1, "car", "Hải Phòng"],
  ["16C-123.45", "16C12345", 1, "car", "Hải Phòng"],
  ["14A-678.90", "14A67890", 1, "car", "Quảng Ninh"],
  ["60A-123.45", "60A12345", 1, "car", "Đồng Nai"],
  ["39A-123.45", "39A12345", 1, "car", "Đồng Nai"],
  ["61A-123.45", "61A12345", 1, "car", "Bình Dương"],
  ["65A-123.45", "65A12345", 1, "car", "Cần Thơ"],
  ["88A-123.45", "88A12345", 1, "car", "Vĩnh Phúc"],
  ["95A-123.45", "95A12345", 1, "car", "Hậu Giang"],
  ["99A-123.45", "99A12345", 1, "car", "Bắc Ninh"],
  ["11A-123.45", "11A12345", 1, "car", "Cao Bằng"],
  ["75A-123.45", "75A12345", 1, "car", "Thừa Thiên Huế"],
  ["72A-123.45", "72A12345", 1, "car", "Bà Rịa - Vũng Tàu"],
  ["47A-123.45", "47A12345", 1, "car", "Đắk Lắk"],
  ["48A-123.45", "48A12345", 1, "car", "Đắk Nông"],
  ["92A-123.45", "92A12345", 1, "car", "Quảng Nam"],
  ["79A-123.45", "79A12345", 1, "car", "Khánh Hòa"],
  ["36A-123.45", "36A12345", 1, "car", "Thanh Hóa"],
  ["37A-123.45", "37A12345", 1, "car", "Nghệ An"],
  ["97A-123.45", "97A12345", 1, "car", "Bắc Kạn"],
  ["69A-000.01", "69A00001", 1, "car", "Cà Mau"],
  // Older four-digit cars.
  ["51F-1234", "51F1234", 1, "car", HCM],
  ["29A-0123", "29A0123", 1, "car", HN],
  ["77C-9876", "77C9876", 1, "car", "Bình Định"],
  // Two-letter special series on cars.
  ["51LD-123.45", "51LD12345", 1, "special", HCM],
  ["29LD-1234", "29LD1234", 1, "special", HN],
  ["29KT-123.45", "29KT12345", 1, "special", HN],
  ["29DA-123.45", "29DA12345", 1, "special", HN],
  ["29MK-012.34", "29MK01234", 1, "special", HN],
  ["50TĐ-821.08", "50TD82108", 1, "special", HCM],
  ["51HC-123.45", "51HC12345", 1, "special", HCM],
  ["29CD-123.45", "29CD12345", 1, "special", HN],
  ["51R-141.39", "51R14139", 1, "trailer", HCM],
  // Two-row motorbikes: province-series over the number.
  ["59-X1 234.56", "59X123456", 2, "motorbike", HCM],
  ["29-B1 123.45", "29B112345", 2, "motorbike", HN],
  ["29-A1 123.45", "29A112345", 2, "motorbike", HN],
  ["43-E1 123.45", "43E112345", 2, "motorbike", "Đà Nẵng"],
  ["36-B5 123.45", "36B512345", 2, "motorbike", "Thanh Hóa"],
  ["37-N1 234.56", "37N123456", 2, "motorbike", "Nghệ An"],
  ["65-B1 123.45", "65B112345", 2, "motorbike", "Cần Thơ"],
  ["29-Y3 123.45", "29Y312345", 2, "motorbike", HN],
  ["51-Z9 999.99", "51Z999999", 2, "motorbike", HCM],
  ["59-P1 123.45", "59P112345", 2, "motorbike", HCM],
  ["59-X1 2345", "59X12345", 2, "motorbike", HCM],
  ["29-B1 1234", "29B11234", 2, "motorbike", HN],
  // Two-letter motorbike series (mopeds under 50 cc; every new motorbike since Circular 24/2023).
  ["59-AA 123.45", "59AA12345", 2, "motorbike", HCM],
  ["59-AB 123.45", "59AB12345", 2, "motorbike", HCM],
  ["29-AC 012.34", "29AC01234", 2, "motorbike", HN],
  ["29-AA 1234", "29AA1234", 2, "motorbike", HN],
  // Electric motorbikes (MĐ, keyed without the diacritic).
  ["29-MĐ1 013.53", "29MD101353", 2, "motorbike", HN],
  ["59-MĐ2 123.45", "59MD212345", 2, "motorbike", HCM],
  // Foreign missions: country code then vehicle number; the older layout puts the series in the middle.
  ["80NG-636-70", "80NG63670", 1, "diplomatic", "Cục CSGT (cơ quan trung ương)"],
  ["80QT-546-42", "80QT54642", 1, "international", "Cục CSGT (cơ quan trung ương)"],
  ["80NN-381-35", "80NN38135", 1, "foreign", "Cục CSGT (cơ quan trung ương)"],
  ["41NN-123-45", "41NN12345", 1, "foreign", HCM],
  ["80-011-NG-01", "80011NG01", 1, "diplomatic", "Cục CSGT (cơ quan trung ương)"],
  ["80-631-CV-01", "80631CV01", 1, "diplomatic", "Cục CSGT (cơ quan trung ương)"],
  // Military (unit letters, no province) and temporary plates.
  ["TM-12-34", "TM1234", 1, "military", undefined],
  ["KA-12-34", "KA1234", 1, "military", undefined],
  ["QP-56-78", "QP5678", 1, "military", undefined],
  ["TC-33-86", "TC3386", 1, "military", undefined],
  ["T51-123.45", "T5112345", 1, "temporary", HCM],
  ["T29-012.34", "T2901234", 1, "temporary", HN],
];

describe("parsePlate: real written forms", () => {
  it.each(VALID)("%s → %s", (written, key, rows, kind, province) => {
    const p = parsePlate(written);
    expect(p.problems).toEqual([]);
    expect(p.valid).toBe(true);
    expect(p.key).toBe(key);
    expect(p.display).toBe(written);
    expect(p.rows).toBe(rows);
    expect(p.kind).toBe(kind);
    expect(p.province).toBe(province);
  });

  it.each(VALID)("%s round-trips key ↔ display", (written, key, rows) => {
    expect(toPlateKey(written)).toBe(key);
    expect(formatPlate(key, rows)).toBe(written);
    const again = parsePlate(parsePlate(written).display);
    expect(again.key).toBe(key);
    expect(again.display).toBe(written);
  });
});

// Same plate, written the ways people and OCR write it.
const VARIANTS: Array<[string, string, string]> = [
  ["51f-123.45", "51F12345", "51F-123.45"],
  ["51F 123.45", "51F12345", "51F-123.45"],
  ["51F.123.45", "51F12345", "51F-123.45"],
  ["51F12345", "51F12345", "51F-123.45"],
  ["51F-12345", "51F12345", "51F-123.45"],
  ["  51F-123.45  ", "51F12345", "51F-123.45"],
  ["51F–123.45", "51F12345", "51F-123.45"],
  ["[51F-123.45]", "51F12345", "51F-123.45"],
  ["５１Ｆ－１２３．４５", "51F12345", "51F-123.45"],
  ["59-x1\n234.56", "59X123456", "59-X1 234.56"],
  ["59X1\r\n23456", "59X123456", "59-X1 234.56"],
  ["59 X1 234 56", "59X123456", "59-X1 234.56"],
  ["59X123456", "59X123456", "59-X1 234.56"],
  ["59-X1\n2345", "59X12345", "59-X1 2345"],
  ["29-MD1 013.53", "29MD101353", "29-MĐ1 013.53"],
  ["29-md1 01353", "29MD101353", "29-MĐ1 013.53"],
  ["29mđ101353", "29MD101353", "29-MĐ1 013.53"],
  ["50td82108", "50TD82108", "50TĐ-821.08"],
  ["80ng63670", "80NG63670", "80NG-636-70"],
  ["tm1234", "TM1234", "TM-12-34"],
];

describe("parsePlate: tolerant of case, separators, diacritics, full-width and noise", () => {
  it.each(VARIANTS)("%j → %s", (text, key, display) => {
    const p = parsePlate(text);
    expect(p.valid).toBe(true);
    expect(p.key).toBe(key);
    expect(p.display).toBe(display);
  });
});

// [text, a fragment of the expected problem]
const INVALID: Array<[string, string]> = [
  ["", "empty"],
  ["   -.  ", "empty"],
  ["12", "too short"],
  ["ABC", "too short"],
  ["TM-123", "too short"],
  ["51FF-1234567", "too long"],
  ["51F-123.45.67.89", "too long"],
  ["42A-123.45", 'unknown province code "42"'],
  ["10A-123.45", 'unknown province code "10"'],
  ["13A-123.45", 'unknown province code "13"'],
  ["00A-123.45", 'unknown province code "00"'],
  ["87A-123.45", 'unknown province code "87"'],
  ["96B-1234", 'unknown province code "96"'],
  ["51I-123.45", 'series letter "I" is never issued'],
  ["51O-123.45", 'series letter "O" is never issued'],
  ["51Q-123.45", 'series letter "Q" is never issued'],
  ["51W-123.45", 'series letter "W" is never issued'],
  ["51J-1234", 'series letter "J" is never issued'],
  ["59-X0 123.45", "series digit 0"],
  ["59-I1 123.45", 'series letter "I" is never issued'],
  ["59-R1 123.45", 'series letter "R" is not issued'],
  ["59-OA 123.45", 'series letter "O" is never issued'],
  ["5F-123.45", "does not match"],
  ["ABC-123.45", "does not match"],
  ["51-123.45", "does not match"],
  ["F51-123.45", "does not match"],
  ["51F-ABC.DE", "does not match"],
  ["123456789", "does not match"],
  ["XX-12-34", "not a military unit code"],
  ["80-011-AB-01", "must be NG, CV, QT or NN"],
  ["99-MX1 123.45", "only MĐ"],
  ["29-MĐ0 123.45", "series digit 0"],
  ["T42-123.45", 'unknown province code "42"'],
  ["51F-000.00", "registration number 000.00 is never issued"],
  ["29-B1 000.00", "registration number 000.00 is never issued"],
  ["51F-0000", "registration number 0000 is never issued"],
  ["80NG-636-00", "registration number 00 is never issued"],
];

describe("parsePlate: invalid plates say why", () => {
  it.each(INVALID)("%j is invalid (%s)", (text, why) => {
    const p = parsePlate(text);
    expect(p.valid).toBe(false);
    expect(isValidPlate(text)).toBe(false);
    expect(p.problems.join("; ")).toContain(why);
    // Even an invalid reading keeps a usable key and display for storage and search.
    expect(p.key).toBe(toPlateKey(text));
    expect(p.display.length > 0 || p.key.length === 0).toBe(true);
  });

  it("never throws on arbitrary input", () => {
    for (const text of ["\u0000", "🚗🚓", "-".repeat(10_000), "5".repeat(1000), undefined as unknown as string]) {
      expect(() => parsePlate(text)).not.toThrow();
    }
  });
});

describe("rows", () => {
  it("reads the rows from the written form and defaults by layout", () => {
    expect(rowsFromText("59-X1 2345")).toBe(2);
    expect(rowsFromText("59X1\n2345")).toBe(2);
    expect(rowsFromText("51F-123.45")).toBe(1);
    expect(rowsFromText("59X12345")).toBeUndefined();
  });

  it("lets the caller settle the ambiguous 8-character key: car 59X-123.45 or old motorbike 59-X1 2345", () => {
    expect(formatPlate("59X12345")).toBe("59X-123.45");
    expect(formatPlate("59X12345", 1)).toBe("59X-123.45");
    expect(formatPlate("59X12345", 2)).toBe("59-X1 2345");
    expect(parsePlate("59X12345", { rows: 2 }).kind).toBe("motorbike");
    // The other reading is offered, e.g. for a search box.
    expect(parsePlate("59X12345").alternatives).toEqual(["59-X1 2345"]);
    expect(parsePlate("59-X1 2345").alternatives).toEqual([]);
    expect(parsePlate("51F-123.45").alternatives).toEqual([]);
  });

  it("splits the display into the physical rows", () => {
    expect(parsePlate("59-X1 234.56").displayRows).toEqual(["59-X1", "234.56"]);
    expect(parsePlate("29MD101353").displayRows).toEqual(["29-MĐ1", "013.53"]);
    expect(parsePlate("51F-123.45").displayRows).toEqual(["51F-123.45"]);
    // Square rear plates of cars carry the same text on two rows; the separators say it is a car.
    expect(parsePlate("51F-123.45", { rows: 2 }).displayRows).toEqual(["51F", "123.45"]);
    expect(parsePlate("51F-123.45", { rows: 2 }).display).toBe("51F-123.45");
  });

  it("writes special series on two rows when the plate has two", () => {
    expect(formatPlate("51LD12345", 2)).toBe("51-LD 123.45");
    expect(formatPlate("59AA12345", 1)).toBe("59AA-123.45");
  });
});

describe("parts and descriptions", () => {
  it("exposes province, series, number and meaning", () => {
    expect(parsePlate("51LD-123.45")).toMatchObject({ provinceCode: "51", series: "LD", number: "12345", layout: "two-letter-5" });
    expect(parsePlate("51LD-123.45").seriesMeaning).toMatch(/nước ngoài/);
    expect(parsePlate("80NG-636-70")).toMatchObject({ country: "636", number: "70", series: "NG" });
    expect(parsePlate("29-MĐ1 013.53")).toMatchObject({ series: "MĐ1", seriesMeaning: "xe máy điện" });
  });

  it("describes plates for people", () => {
    expect(describePlate("51F12345")).toBe("51F-123.45 · TP. Hồ Chí Minh");
    expect(describePlate("59X123456")).toBe("59-X1 234.56 · TP. Hồ Chí Minh");
    expect(describePlate("88A-123.45")).toBe("88A-123.45 · Vĩnh Phúc");
    expect(describePlate("TM1234")).toBe("TM-12-34 · Quân đội");
    expect(describePlate("42A12345")).toBe("42A-123.45");
    expect(describePlate("???")).toBe("");
  });

  it("formatPlate leaves an unparseable key as it is", () => {
    expect(formatPlate("XYZ")).toBe("XYZ");
  });
});

it("covers at least 80 real-format examples", () => {
  expect(VALID.length + VARIANTS.length + INVALID.length).toBeGreaterThanOrEqual(80);
});
