import { describe, expect, it } from "vitest";
import { alertQueueTime, alertSchema, compareAlertsForQueue, type Alert } from "./alert.js";

const at = (min: number) => new Date(Date.UTC(2026, 4, 1, 3, min)).toISOString();
let n = 0;
const alert = (over: Partial<Alert>): Alert => ({
  schemaVersion: 1,
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
  type: "watchlist_hit",
  severity: "high",
  cameraId: "cam-1",
  ts: at(0),
  state: "new",
  ...over,
});

describe("the alert queue", () => {
  it("orders by state, then severity, then the latest occurrence", () => {
    const items = {
      resolvedCritical: alert({ state: "resolved", severity: "critical", ts: at(59) }),
      ackCritical: alert({ state: "acknowledged", severity: "critical", ts: at(1) }),
      newLowRecent: alert({ severity: "low", ts: at(58) }),
      newHighOld: alert({ ts: at(1) }),
      newHighSeenAgain: alert({ ts: at(0), lastSeenAt: at(30), occurrences: 4 }),
      newCritical: alert({ severity: "critical", ts: at(2) }),
    };
    const sorted = Object.values(items).sort(compareAlertsForQueue);
    const names = sorted.map((a) => Object.entries(items).find(([, v]) => v === a)![0]);
    expect(names).toEqual(["newCritical", "newHighSeenAgain", "newHighOld", "newLowRecent", "ackCritical", "resolvedCritical"]);
  });

  it("sorts a retroactive hit by when it was raised, not by its old read's time", () => {
    const retro = alert({ ts: at(0), lastSeenAt: at(5), raisedAt: at(50) });
    const live = alert({ ts: at(40) });
    expect(alertQueueTime(retro)).toBe(Date.parse(at(50)));
    expect([live, retro].sort(compareAlertsForQueue)).toEqual([retro, live]);
  });

  it("carries occurrences, evidence and history; old alerts without them still parse", () => {
    expect(alertSchema.safeParse(alert({})).success).toBe(true);
    const full = alert({
      occurrences: 3,
      lastSeenAt: at(9),
      raisedAt: at(0),
      evidence: [{ snapshot: "/media/a.jpg", crop: "/media/a-crop.jpg", at: at(0), cameraId: "cam-1" }],
      history: [
        { state: "new", at: at(0), by: null, note: null },
        { state: "new", at: at(9), by: null, note: null, kind: "occurrence", occurrence: 3, cameraId: "cam-2" },
        { state: "resolved", at: at(10), by: "sup", note: "xong", reason: "true_hit" },
      ],
    });
    expect(alertSchema.parse(full)).toEqual(full);
    expect(alertSchema.safeParse({ ...full, occurrences: 0 }).success).toBe(false);
    expect(alertSchema.safeParse({ ...full, evidence: Array.from({ length: 21 }, () => ({ at: at(0) })) }).success).toBe(false);
  });
});
