import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { escapeHtml, tilesCredit } from "./map-credit.js";

afterEach(() => setLang("vi", null));

describe("map credit", () => {
  it("credits OpenStreetMap in the console's language, once", () => {
    setLang("vi", null);
    expect(tilesCredit(undefined)).toEqual(["Dữ liệu bản đồ © những người đóng góp OpenStreetMap"]);
    expect(tilesCredit("© OpenStreetMap contributors")).toHaveLength(1);
    setLang("en", null);
    expect(tilesCredit("(c) OpenStreetMap")).toEqual(["Map data © OpenStreetMap contributors"]);
  });

  it("keeps the rest of a tiles file's credit", () => {
    setLang("vi", null);
    expect(tilesCredit("© OpenMapTiles © OpenStreetMap contributors")[1]).toBe("© OpenMapTiles");
    expect(tilesCredit("Sở TN&MT TP.HCM")[1]).toBe("Sở TN&MT TP.HCM");
  });

  it("escapes text for Leaflet's HTML attribution", () => {
    expect(escapeHtml('<img src=x onerror="a()">&')).toBe("&#60;img src=x onerror=&#34;a()&#34;&#62;&#38;");
  });
});
