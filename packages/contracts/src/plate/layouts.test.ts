import { describe, expect, it } from "vitest";
import { LAYOUTS } from "./layouts.js";

describe("plate layouts", () => {
  it("give each capture group of the pattern its shape, and the shape is the groups joined", () => {
    for (const layout of LAYOUTS) {
      // A key built from the groups (T for the temporary plate's fixed letter, T for a military unit's first letter).
      const key = layout.groups.map((g) => [...g].map((c) => (c === "D" ? "1" : "T")).join("")).join("");
      const m = layout.pattern.exec(key);
      expect(m, layout.id).not.toBeNull();
      expect(m!.slice(1).map((g) => g.length), layout.id).toEqual(layout.groups.map((g) => g.length));
      expect(layout.shape).toBe(layout.groups.join(""));
    }
  });
});
