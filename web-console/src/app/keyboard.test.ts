import { describe, expect, it } from "vitest";
import { shortcutFor } from "./keyboard.js";

describe("shortcutFor", () => {
  it("maps the documented keys", () => {
    expect(shortcutFor("j")).toBe("next");
    expect(shortcutFor("k")).toBe("previous");
    expect(shortcutFor("a")).toBe("acknowledge");
    expect(shortcutFor("r")).toBe("resolve");
    expect(shortcutFor("m")).toBe("toggleMute");
    expect(shortcutFor("/")).toBe("focusSearch");
    expect(shortcutFor("?")).toBe("toggleHelp");
    expect(shortcutFor("3")).toEqual({ view: 2 });
  });

  it("ignores other keys", () => {
    for (const k of ["x", "A", "0", "9", "Tab", " "]) expect(shortcutFor(k)).toBeNull();
  });
});
