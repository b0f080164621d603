import { describe, expect, it } from "vitest";
import type { Alert, FireEvent } from "@vigil/contracts";
import { applyFireRevision, canTransition, confirmsPossible, createCooldownTracker, dedupeKey, fireAlertFields, maxSeverity, severityFor } from "./alert-rules.js";

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

describe("possible smoke", () => {
  const smoke = (over: Partial<FireEvent> = {}): FireEvent => ({
    schemaVersion: 1, id: "6f1c2a4e-7d1b-4c3e-9a55-0b8d2f3e4a11", cameraId: "cam-1", ts: "2026-05-01T03:00:00.000Z", kind: "smoke", confidence: 0.8,
    boxes: [{ bbox: [0.2, 0.1, 0.3, 0.4], confidence: 0.8 }], confirmedFrames: 4, ...over,
  });
  const alertFor = (event: FireEvent): Alert => ({ schemaVersion: 1, id: "0b0e8c43-1f4e-4a47-8d0a-2b7f5d2c9e10", type: event.kind, cameraId: event.cameraId, ts: event.ts, state: "new", eventId: event.id, ...fireAlertFields(event) });

  it("is a low alert marked possible; a confirmed smoke or a fire is not", () => {
    expect(fireAlertFields(smoke({ possible: true }))).toMatchObject({ severity: "low", possible: true });
    expect(fireAlertFields(smoke({ possible: false }))).not.toHaveProperty("possible");
    expect(fireAlertFields(smoke()).severity).toBe("high");
    // "possible" is a smoke-only notion: a fire event carrying it by mistake stays a fire.
    expect(fireAlertFields(smoke({ kind: "fire", possible: true }))).toEqual(expect.objectContaining({ severity: "critical" }));
    expect(fireAlertFields(smoke({ kind: "fire", possible: true }))).not.toHaveProperty("possible");
  });

  it("keeps the event's boxes and snapshot", () => {
    expect(fireAlertFields(smoke({ snapshot: "/media/f/a.jpg" }))).toMatchObject({ boxes: [{ bbox: [0.2, 0.1, 0.3, 0.4], confidence: 0.8 }], snapshot: "/media/f/a.jpg" });
    expect(fireAlertFields(smoke({ boxes: [] }))).not.toHaveProperty("boxes");
  });

  it("upgrades when a later revision is no longer possible, and never goes back", () => {
    const raised = alertFor(smoke({ possible: true }));
    expect(confirmsPossible(raised, smoke({ possible: true }))).toBe(false);
    const still = applyFireRevision(raised, smoke({ possible: true, confidence: 0.9 }));
    expect(still).toMatchObject({ severity: "low", possible: true });
    const confirmed = applyFireRevision(still, smoke({ possible: false, confidence: 0.7, snapshot: "/media/f/b.jpg", boxes: [{ bbox: [0.1, 0.1, 0.5, 0.5], confidence: 0.7 }] }));
    expect(confirmed).toMatchObject({ severity: "high", possible: false, snapshot: "/media/f/b.jpg", boxes: [{ bbox: [0.1, 0.1, 0.5, 0.5], confidence: 0.7 }] });
    // An absent flag confirms too (publishers that never send it).
    expect(applyFireRevision(still, smoke({ confidence: 0.3 }))).toMatchObject({ severity: "medium", possible: false });
    // Once confirmed, a revision saying "possible" again changes neither severity nor the flag.
    expect(applyFireRevision(confirmed, smoke({ possible: true }))).toMatchObject({ severity: "high", possible: false });
    // A revision with no boxes keeps the last ones.
    expect(applyFireRevision(confirmed, smoke({ boxes: [] })).boxes).toEqual(confirmed.boxes);
  });

  it("leaves alerts that were never possible without the flag", () => {
    const plain = applyFireRevision(alertFor(smoke({ confidence: 0.3 })), smoke({ confidence: 0.9 }));
    expect(plain.severity).toBe("high");
    expect(plain).not.toHaveProperty("possible");
  });

  it("orders severities", () => {
    expect(maxSeverity("low", "high")).toBe("high");
    expect(maxSeverity("critical", "medium")).toBe("critical");
  });
});
