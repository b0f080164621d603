import { describe, expect, it } from "vitest";
import { isTyping, SHORTCUT_KEYS, shortcutFor, viewKeyRange } from "./keyboard.js";
import { dictionaries } from "../i18n/index.js";

describe("shortcutFor", () => {
  it("maps the documented keys", () => {
    expect(shortcutFor("j")).toBe("next");
    expect(shortcutFor("k")).toBe("previous");
    expect(shortcutFor("a")).toBe("acknowledge");
    expect(shortcutFor("r")).toBe("resolve");
    expect(shortcutFor("m")).toBe("toggleMute");
    expect(shortcutFor("/")).toBe("focusSearch");
    expect(shortcutFor("?")).toBe("toggleHelp");
    expect(shortcutFor("Escape")).toBe("closeHelp");
    expect(shortcutFor("3")).toEqual({ view: 2 });
  });

  it("switches to any of up to 9 views: an admin's 8 side views all have a key", () => {
    for (let n = 1; n <= 9; n++) expect(shortcutFor(String(n))).toEqual({ view: n - 1 });
    // Admin: alerts, search, watchlist, cameras, report, audit, users, units.
    expect(shortcutFor("6", 8)).toEqual({ view: 5 });
    expect(shortcutFor("8", 8)).toEqual({ view: 7 });
  });

  it("leaves digits beyond the views present alone", () => {
    // An operator has 4 side views: 5–9 are no shortcut (the key is not swallowed either).
    expect(shortcutFor("4", 4)).toEqual({ view: 3 });
    for (const k of ["5", "6", "7", "8", "9"]) expect(shortcutFor(k, 4)).toBeNull();
    expect(shortcutFor("9", 8)).toBeNull();
    expect(shortcutFor("1", 0)).toBeNull();
  });

  it("ignores other keys", () => {
    for (const k of ["x", "A", "0", "10", "Tab", " "]) expect(shortcutFor(k)).toBeNull();
  });
});

describe("help overlay", () => {
  it("shows the view keys this user really has", () => {
    expect(viewKeyRange(8)).toBe("1–8");
    expect(viewKeyRange(4)).toBe("1–4");
    expect(viewKeyRange(12)).toBe("1–9");
    expect(viewKeyRange(1)).toBe("1");
  });

  it("has a text for every key it lists, in both languages", () => {
    expect(SHORTCUT_KEYS).toContain("1–9");
    for (const lang of ["vi", "en"] as const)
      for (const k of SHORTCUT_KEYS) expect(dictionaries[lang][`help.key.${k}`], `${lang}:${k}`).toBeTruthy();
  });
});

describe("isTyping", () => {
  const input = { tagName: "INPUT", isContentEditable: false };
  const body = { tagName: "BODY", isContentEditable: false };
  it("is true while the focus is in a field, whatever the key event names as its target", () => {
    expect(isTyping({ key: "5", target: input }, body)).toBe(true);
    // The plate field focused by shortcut 2, a digit dispatched to the document: still typing.
    expect(isTyping({ key: "5", target: body }, input)).toBe(true);
    expect(isTyping({ key: "5", target: body, composedPath: () => [{ tagName: "textarea" }, body] }, body)).toBe(true);
    expect(isTyping({ key: "1", target: { tagName: "DIV", isContentEditable: true } }, body)).toBe(true);
    expect(isTyping({ key: "2", target: { tagName: "SELECT" } }, null)).toBe(true);
  });

  it("is true during an input method's composition (Telex/VNI tone keys are digits)", () => {
    expect(isTyping({ key: "Process", target: body }, body)).toBe(true);
    expect(isTyping({ key: "1", target: body, isComposing: true }, body)).toBe(true);
  });

  it("is false on the page itself, so shortcuts work there", () => {
    expect(isTyping({ key: "2", target: body }, body)).toBe(false);
    expect(isTyping({ key: "2", target: { tagName: "BUTTON" } }, { tagName: "BUTTON" })).toBe(false);
    expect(isTyping({ key: "2", target: null }, null)).toBe(false);
  });
});
