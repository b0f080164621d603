import { describe, expect, it } from "vitest";
import type { Alert, AlertEvidence, AlertHistoryEntry, FireEvent } from "@vigil/contracts";
import {
  appendEvidence,
  appendHistory,
  applyFireRevision,
  canTransition,
  conditionKey,
  confirmsPossible,
  createOpenAlertIndex,
  eventKey,
  fireAlertFields,
  initialRecord,
  maxSeverity,
  recordOccurrence,
  recordTransition,
  severityFor,
} from "./alert-rules.js";

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
    [{ type: "camera_offline" }, "high"],
  ] as const)("%j → %s", (rule, expected) => {
    expect(severityFor(rule)).toBe(expected);
  });
});

describe("condition and event keys", () => {
  const w = "0b0e8c43-1f4e-4a47-8d0a-2b7f5d2c9e10";
  it("a wanted vehicle is one condition whatever camera sees it; fire and outages are per camera", () => {
    expect(conditionKey({ type: "watchlist_hit", cameraId: "cam-1", watchlistId: w })).toBe(conditionKey({ type: "watchlist_hit", cameraId: "cam-2", watchlistId: w }));
    expect(conditionKey({ type: "fire", cameraId: "cam-1" })).not.toBe(conditionKey({ type: "fire", cameraId: "cam-2" }));
    expect(conditionKey({ type: "fire", cameraId: "cam-1" })).not.toBe(conditionKey({ type: "smoke", cameraId: "cam-1" }));
  });
  it("a watchlist hit's event key names the entry too (restore and lookup build the same key)", () => {
    expect(eventKey("watchlist_hit", "e1", w)).toBe(`watchlist_hit|e1|${w}`);
    expect(eventKey("fire", "e1")).toBe("fire|e1");
  });
});

describe("open alert index", () => {
  it("covers a condition while its alert is open, not after a resolve", () => {
    const c = createOpenAlertIndex();
    c.seen("k", "a1", 0);
    expect(c.covering("k", 10 * 86_400_000)).toBe("a1");
    expect(c.covering("other", 0)).toBeNull();
    c.resolved("a1");
    expect(c.covering("k", 1)).toBeNull();
  });
  it("with a window, covers only while the condition was seen less than the window ago (from the latest sighting)", () => {
    const c = createOpenAlertIndex();
    c.seen("fire|cam-1", "a1", 0, 300_000);
    expect(c.covering("fire|cam-1", 299_999)).toBe("a1");
    c.seen("fire|cam-1", "a1", 250_000, 300_000);
    expect(c.covering("fire|cam-1", 500_000)).toBe("a1");
    expect(c.covering("fire|cam-1", 550_000)).toBeNull();
    // A late sighting with an older time does not move the window back.
    c.seen("fire|cam-1", "a1", 100_000, 300_000);
    expect(c.covering("fire|cam-1", 500_000)).toBe("a1");
  });
  it("prunes keys past their window", () => {
    const c = createOpenAlertIndex();
    c.seen("x", "a", 0, 1000);
    c.seen("y", "b", 900, 1000);
    c.seen("z", "c", 0);
    c.prune(1500);
    expect(c.size()).toBe(2);
  });
});

describe("occurrences, evidence and history", () => {
  const base: Alert = { schemaVersion: 1, id: "0b0e8c43-1f4e-4a47-8d0a-2b7f5d2c9e10", type: "watchlist_hit", severity: "high", cameraId: "cam-1", ts: "2026-05-01T03:00:00.000Z", state: "new", snapshot: "/media/a.jpg", crop: "/media/a-crop.jpg" };
  const at = (s: number) => new Date(Date.parse(base.ts) + s * 1000).toISOString();

  it("a raised alert counts one occurrence, keeps its picture and a raised line", () => {
    const a = initialRecord(base, at(2));
    expect(a).toMatchObject({ occurrences: 1, lastSeenAt: base.ts, raisedAt: at(2), evidence: [{ snapshot: "/media/a.jpg", crop: "/media/a-crop.jpg", at: base.ts, cameraId: "cam-1" }] });
    expect(a.history).toEqual([{ state: "new", at: at(2), by: null, note: null }]);
  });

  it("each sighting adds one, moves the last-seen time and adds its picture beside the old one", () => {
    let a = initialRecord(base, at(0));
    a = recordOccurrence(a, { at: at(60), cameraId: "cam-2", eventId: "6f1c2a4e-7d1b-4c3e-9a55-0b8d2f3e4a11", snapshot: "/media/b.jpg" }).alert;
    const r = recordOccurrence(a, { at: at(120), cameraId: "cam-1", snapshot: "/media/c.jpg", crop: "/media/c-crop.jpg" });
    expect(r.alert).toMatchObject({ occurrences: 3, lastSeenAt: at(120), ts: base.ts, snapshot: "/media/c.jpg", crop: "/media/c-crop.jpg" });
    expect(r.alert.evidence!.map((e) => e.snapshot)).toEqual(["/media/a.jpg", "/media/b.jpg", "/media/c.jpg"]);
    expect(r.entry).toEqual({ state: "new", at: at(120), by: null, note: null, kind: "occurrence", occurrence: 3, cameraId: "cam-1" });
    expect(r.alert.history!.map((h) => h.kind ?? "state")).toEqual(["state", "occurrence", "occurrence"]);
  });

  it("an older sighting arriving late is counted and kept in time order but does not become the newest", () => {
    const a = recordOccurrence(initialRecord(base, at(0)), { at: at(300), cameraId: "cam-1", snapshot: "/media/late.jpg" }).alert;
    const b = recordOccurrence(a, { at: at(100), cameraId: "cam-1", snapshot: "/media/early.jpg" }).alert;
    expect(b).toMatchObject({ occurrences: 3, lastSeenAt: at(300), snapshot: "/media/late.jpg" });
    expect(b.evidence!.map((e) => e.snapshot)).toEqual(["/media/a.jpg", "/media/early.jpg", "/media/late.jpg"]);
  });

  it("evidence is bounded: the first picture stays, then the newest; the same picture is kept once", () => {
    let list: AlertEvidence[] = [];
    for (let i = 0; i < 30; i++) list = appendEvidence(list, { at: at(i), snapshot: `/media/${i}.jpg` }, 5);
    expect(list.map((e) => e.snapshot)).toEqual(["/media/0.jpg", "/media/26.jpg", "/media/27.jpg", "/media/28.jpg", "/media/29.jpg"]);
    expect(appendEvidence(list, { at: at(40), snapshot: "/media/29.jpg" }, 5)).toEqual(list);
    expect(appendEvidence(list, { at: at(40) }, 5)).toEqual(list);
  });

  it("history is bounded by dropping the oldest occurrences, never a state change", () => {
    let h: AlertHistoryEntry[] = [{ state: "new", at: at(0), by: null, note: null }];
    for (let i = 1; i <= 10; i++) h = appendHistory(h, { state: "new", at: at(i), by: null, note: null, kind: "occurrence", occurrence: i + 1 }, 5);
    h = appendHistory(h, { state: "acknowledged", at: at(20), by: "op", note: "on it" }, 5);
    expect(h.map((e) => e.occurrence ?? e.state)).toEqual(["new", 9, 10, 11, "acknowledged"]);
  });

  it("a transition adds its line to the alert's own history", () => {
    const a = recordTransition(initialRecord(base, at(0)), { state: "resolved", at: at(9), by: "sup", note: "done", reason: "true_hit" });
    expect(a.history!.at(-1)).toEqual({ state: "resolved", at: at(9), by: "sup", note: "done", reason: "true_hit" });
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
