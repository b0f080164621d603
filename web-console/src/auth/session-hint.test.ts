import { describe, expect, it } from "vitest";
import { forgetSession, mayHaveSession, rememberSession, SESSION_HINT_KEY } from "./session-hint.js";

function memory(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe("session hint", () => {
  const now = Date.parse("2026-11-24T06:00:00Z");

  it("a browser that never signed in shows the login without asking /me (no 401 in the browser console)", () => {
    expect(mayHaveSession(memory(), now)).toBe(false);
  });

  it("after a login, the next start asks /me until the session's absolute end", () => {
    const s = memory();
    rememberSession(s, "2026-11-24T18:00:00.000Z", now);
    expect(mayHaveSession(s, now)).toBe(true);
    expect(mayHaveSession(s, Date.parse("2026-11-24T17:59:59Z"))).toBe(true);
    expect(mayHaveSession(s, Date.parse("2026-11-24T18:00:00Z"))).toBe(false);
    expect(s.data.has(SESSION_HINT_KEY)).toBe(false); // an expired note is removed
  });

  it("logout or a 401 forgets it", () => {
    const s = memory();
    rememberSession(s, "2026-11-24T18:00:00Z", now);
    forgetSession(s);
    expect(mayHaveSession(s, now)).toBe(false);
  });

  it("without an end from the server, assumes the default 12 h limit", () => {
    const s = memory();
    rememberSession(s, undefined, now);
    expect(mayHaveSession(s, now + 11 * 3600_000)).toBe(true);
    expect(mayHaveSession(s, now + 13 * 3600_000)).toBe(false);
  });

  it("a broken note counts as none; no storage at all probes as before", () => {
    const s = memory();
    s.setItem(SESSION_HINT_KEY, "garbage");
    expect(mayHaveSession(s, now)).toBe(false);
    expect(mayHaveSession(null, now)).toBe(true);
    const refusing = { getItem: () => { throw new Error("denied"); }, setItem: () => undefined, removeItem: () => undefined };
    expect(mayHaveSession(refusing, now)).toBe(true);
  });
});
