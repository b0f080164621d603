import { describe, expect, it } from "vitest";
import { PROVINCE_CODES, provinceCodes, provinceName } from "./provinces.js";

const NOT_ISSUED = ["10", "13", "42", "44", "45", "46", "87", "91", "96"];

describe("province codes", () => {
  it("names every code from 11 to 99 except the ones never issued", () => {
    for (let n = 11; n <= 99; n++) {
      const code = String(n);
      if (NOT_ISSUED.includes(code)) expect(provinceName(code), code).toBeUndefined();
      else expect(provinceName(code), code).toMatch(/\S/);
    }
    expect(PROVINCE_CODES).toHaveLength(89 - NOT_ISSUED.length + 1);
  });

  it("covers the 63 pre-2025 provinces plus the central issuer (80)", () => {
    const names = new Set(PROVINCE_CODES.map((p) => p.name));
    expect(names.size).toBe(64);
  });

  it.each([
    ["29", "Hà Nội"],
    ["40", "Hà Nội"],
    ["41", "TP. Hồ Chí Minh"],
    ["59", "TP. Hồ Chí Minh"],
    ["60", "Đồng Nai"],
    ["88", "Vĩnh Phúc"],
    ["95", "Hậu Giang"],
    ["43", "Đà Nẵng"],
    ["65", "Cần Thơ"],
  ])("%s is %s", (code, name) => {
    expect(provinceName(code)).toBe(name);
  });

  it("accepts numbers and lists all codes of a province", () => {
    expect(provinceName(51)).toBe("TP. Hồ Chí Minh");
    expect(provinceName(7)).toBeUndefined();
    expect(provinceName("toString")).toBeUndefined();
    expect(provinceCodes("Hà Nội")).toEqual(["29", "30", "31", "32", "33", "40"]);
    expect(provinceCodes("tp. hồ chí minh")).toEqual(["41", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59"]);
    expect(provinceCodes("Hải Phòng")).toEqual(["15", "16"]);
    expect(provinceCodes("Đồng Nai")).toEqual(["39", "60"]);
  });
});
