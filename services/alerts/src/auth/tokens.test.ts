import { describe, expect, it } from "vitest";
import { csrfOk, hashToken, newCsrfToken, newSessionToken } from "./tokens.js";

describe("session tokens", () => {
  it("are random and stored only as a stable hash", () => {
    const t = newSessionToken();
    expect(t).toHaveLength(43);
    expect(newSessionToken()).not.toBe(t);
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(t)).not.toContain(t);
  });
});

describe("CSRF double-submit check", () => {
  const token = newCsrfToken();
  it.each([
    ["GET", "cookie", undefined, true],
    ["HEAD", "cookie", undefined, true],
    ["POST", "cookie", undefined, false],
    ["POST", "cookie", "wrong", false],
    ["POST", "cookie", token, true],
    ["DELETE", "cookie", token.slice(1), false],
    ["PATCH", "bearer", undefined, true],
  ] as const)("%s via %s with header %s → %s", (method, via, sent, ok) => {
    expect(csrfOk(method, via, token, sent)).toBe(ok);
  });
});
