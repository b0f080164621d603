import { describe, expect, it } from "vitest";
import { isTyping, shortcutFor } from "./keyboard.js";

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
