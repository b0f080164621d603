import { describe, expect, it } from "vitest";
import { countStates, foldName, matchesQuery } from "./camera-list-model.js";

describe("camera list filter", () => {
  it("matches Vietnamese names typed without tone marks, any word order, any case", () => {
    const cam = { id: "q1-nha-tho", name: "Q1 · Nhà thờ Đức Bà" };
    expect(foldName("Nhà thờ Đức Bà")).toBe("nha tho duc ba");
    for (const q of ["nha tho", "NHÀ THỜ", "duc ba", "ba duc", "q1", "", "  "]) expect(matchesQuery(cam, q), q).toBe(true);
    for (const q of ["nha trang", "q3", "duc ba x"]) expect(matchesQuery(cam, q), q).toBe(false);
    expect(matchesQuery(cam, "nha-tho")).toBe(true); // by id
  });

  it("counts cameras per state", () => {
    expect(countStates(["online", "offline", "online", "unknown"])).toEqual({ online: 2, degraded: 0, offline: 1, unknown: 1 });
  });
});
