/**
 * Registration-area codes (the first two digits of a Vietnamese plate), per Appendix 02 of
 * Circular 58/2020/TT-BCA and its successor 24/2023/TT-BCA.
 *
 * The names are the provinces as they stood before the 2025 administrative merger (63 provinces):
 * plates already on the road keep these codes and the public still reads them this way, and the
 * post-merger code reassignment was not settled when this table was written. Codes 10, 13, 42,
 * 44–46, 87, 91 and 96 are not issued (13 was Hà Bắc before it was split; the others are unused).
 * Code 80 is not a province: it is issued centrally by the Traffic Police Department (Cục CSGT) to
 * central agencies and to diplomatic / foreign vehicles.
 */
const PROVINCE_BY_CODE: Readonly<Record<string, string>> = {
  "11": "Cao Bằng",
  "12": "Lạng Sơn",
  "14": "Quảng Ninh",
  "15": "Hải Phòng",
  "16": "Hải Phòng",
  "17": "Thái Bình",
  "18": "Nam Định",
  "19": "Phú Thọ",
  "20": "Thái Nguyên",
  "21": "Yên Bái",
  "22": "Tuyên Quang",
  "23": "Hà Giang",
  "24": "Lào Cai",
  "25": "Lai Châu",
  "26": "Sơn La",
  "27": "Điện Biên",
  "28": "Hòa Bình",
  "29": "Hà Nội",
  "30": "Hà Nội",
  "31": "Hà Nội",
  "32": "Hà Nội",
  "33": "Hà Nội", // formerly Hà Tây, merged into Hà Nội in 2008
  "34": "Hải Dương",
  "35": "Ninh Bình",
  "36": "Thanh Hóa",
  "37": "Nghệ An",
  "38": "Hà Tĩnh",
  "39": "Đồng Nai",
  "40": "Hà Nội",
  "41": "TP. Hồ Chí Minh",
  "43": "Đà Nẵng",
  "47": "Đắk Lắk",
  "48": "Đắk Nông",
  "49": "Lâm Đồng",
  "50": "TP. Hồ Chí Minh",
  "51": "TP. Hồ Chí Minh",
  "52": "TP. Hồ Chí Minh",
  "53": "TP. Hồ Chí Minh",
  "54": "TP. Hồ Chí Minh",
  "55": "TP. Hồ Chí Minh",
  "56": "TP. Hồ Chí Minh",
  "57": "TP. Hồ Chí Minh",
  "58": "TP. Hồ Chí Minh",
  "59": "TP. Hồ Chí Minh",
  "60": "Đồng Nai",
  "61": "Bình Dương",
  "62": "Long An",
  "63": "Tiền Giang",
  "64": "Vĩnh Long",
  "65": "Cần Thơ",
  "66": "Đồng Tháp",
  "67": "An Giang",
  "68": "Kiên Giang",
  "69": "Cà Mau",
  "70": "Tây Ninh",
  "71": "Bến Tre",
  "72": "Bà Rịa - Vũng Tàu",
  "73": "Quảng Bình",
  "74": "Quảng Trị",
  "75": "Thừa Thiên Huế",
  "76": "Quảng Ngãi",
  "77": "Bình Định",
  "78": "Phú Yên",
  "79": "Khánh Hòa",
  "80": "Cục CSGT (cơ quan trung ương)",
  "81": "Gia Lai",
  "82": "Kon Tum",
  "83": "Sóc Trăng",
  "84": "Trà Vinh",
  "85": "Ninh Thuận",
  "86": "Bình Thuận",
  "88": "Vĩnh Phúc",
  "89": "Hưng Yên",
  "90": "Hà Nam",
  "92": "Quảng Nam",
  "93": "Bình Phước",
  "94": "Bạc Liêu",
  "95": "Hậu Giang",
  "97": "Bắc Kạn",
  "98": "Bắc Giang",
  "99": "Bắc Ninh",
};

/** Every issued code with its name, in code order. */
export const PROVINCE_CODES: ReadonlyArray<{ code: string; name: string }> = Object.entries(PROVINCE_BY_CODE)
  .map(([code, name]) => ({ code, name }))
  .sort((a, b) => a.code.localeCompare(b.code));

/** The province (or central issuer) of a two-digit code, or undefined for a code that is not issued. */
export function provinceName(code: string | number): string | undefined {
  const key = typeof code === "number" ? String(code).padStart(2, "0") : code.trim();
  return Object.prototype.hasOwnProperty.call(PROVINCE_BY_CODE, key) ? PROVINCE_BY_CODE[key] : undefined;
}

/** All codes of one province (e.g. "Hà Nội" → 29, 30, 31, 32, 33, 40), for search filters. */
export function provinceCodes(name: string): string[] {
  const wanted = name.normalize("NFC").toLowerCase();
  return PROVINCE_CODES.filter((p) => p.name.normalize("NFC").toLowerCase() === wanted).map((p) => p.code);
}
