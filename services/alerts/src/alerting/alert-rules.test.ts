import { describe, expect, it } from "vitest";
import { canTransition, createCooldownTracker, dedupeKey, severityFor } from "./alert-rules.js";

describe("severity", () => {
  it.each([
    [{ type: "watchlist_hit", priority: "critical", matchKind: "exact" }, "critical"],
    [{ type: "watchlist_hit", priority: "critical", matchKind: "fuzzy" }, "high"],
    [{ type: "watchlist_hit", priority: "low", matchKind: "fuzzy" }, "low"],
    [{ type: "watchlist_hit", priority: "medium", matchKind: "exact" }, "medium"],
    [{ type: "fire", confidence: 0.9 }, "critical"],
    [{ type: "fire", confidence: 0.4 }, "high"],
    [{ type: "smoke", confidence: 0.9 }, "high"],
    [{ type: "smoke", confidence: 0.3 }, "medium"],
    [{ type: "smoke", confidence: 0.9, possible: true }, "low"],
    [{ type: "smoke", confidence: 0.9, possible: false }, "high"],
    [{ type: "camera_offline" }, "medium"],
  ] as const)("%j → %s", (rule, expected) => {
    expect(severityFor(rule)).toBe(expected);
  });
});

describe("cooldown per (type, camera, plate)", () => {
  it("suppresses repeats inside the window, not after it, and not after a resolve", () => {
    const c = createCooldownTracker(300_000);
    const k = dedupeKey("watchlist_hit", "cam-1", "51F12345");
    expect(c.covering(k, 0)).toBeNull();
    c.raised(k, "a1", 0);
    expect(c.covering(k, 299_999)).toBe("a1");
    expect(c.covering(dedupeKey("watchlist_hit", "cam-2", "51F12345"), 1000)).toBeNull();
    expect(c.covering(dedupeKey("watchlist_hit", "cam-1", "30A99999"), 1000)).toBeNull();
    expect(c.covering(dedupeKey("fire", "cam-1"), 1000)).toBeNull();
    expect(c.covering(k, 300_000)).toBeNull();
    c.raised(k, "a2", 400_000);
    c.resolved("a2");
    expect(c.covering(k, 400_001)).toBeNull();
  });
  it("prunes expired keys", () => {
    const c = createCooldownTracker(1000);
    c.raised("x", "a", 0);
    c.raised("y", "b", 900);
    c.prune(1500);
    expect(c.size()).toBe(1);
  });
});

describe("state machine", () => {
  it.each([
    ["new", "acknowledged", true],
    ["new", "resolved", true],
    ["acknowledged", "resolved", true],
    ["acknowledged", "new", false],
    ["acknowledged", "acknowledged", false],
    ["resolved", "acknowledged", false],
    ["resolved", "new", false],
  ] as const)("%s → %s: %s", (from, to, ok) => expect(canTransition(from, to)).toBe(ok));
});
