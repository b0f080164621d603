import { describe, expect, it } from "vitest";
import { dictionaries, initLang, interpolate, LANGS, placeholders, t, type MessageKey } from "./index.js";

describe("dictionaries", () => {
  const vi = dictionaries.vi;
  const keys = Object.keys(vi) as MessageKey[];

  it("have exactly the same keys in every language", () => {
    for (const lang of LANGS) expect(Object.keys(dictionaries[lang]).sort()).toEqual([...keys].sort());
  });

  it("have no empty message", () => {
    for (const lang of LANGS) for (const k of keys) expect(dictionaries[lang][k].trim(), `${lang}:${k}`).not.toBe("");
  });

  it("use the same placeholders in every language", () => {
    for (const k of keys) expect(placeholders(dictionaries.en[k]), k).toEqual(placeholders(vi[k]));
  });

  it("are really translated (Vietnamese differs from English for most keys)", () => {
    const same = keys.filter((k) => vi[k] === dictionaries.en[k]);
    // Proper nouns such as "Camera" may coincide; whole screens may not.
    expect(same.length / keys.length).toBeLessThan(0.1);
  });
});

describe("t", () => {
  it("defaults to Vietnamese", () => {
    expect(initLang(null)).toBe("vi");
    expect(t("nav.alerts")).toBe(dictionaries.vi["nav.alerts"]);
  });

  it("keeps the saved language", () => {
    expect(initLang({ getItem: () => "en" })).toBe("en");
    expect(t("nav.alerts")).toBe(dictionaries.en["nav.alerts"]);
    expect(initLang({ getItem: () => "fr" })).toBe("vi");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(t("alerts.counts", { new: 3, shown: 10 }, "vi")).toBe("3 mới · 10 hiển thị");
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
  });
});
