import type { Alert } from "@vigil/contracts";
import { describe, expect, it } from "vitest";
import { AlertStore, isUrgent, type AlertChange } from "./alert-store.js";

function alert(id: number, over: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    id: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
    type: "watchlist_hit",
    severity: "high",
    cameraId: "cam-1",
    ts: new Date(Date.UTC(2026, 10, 23, 6, id)).toISOString(),
    state: "new",
    ...over,
  };
}

describe("AlertStore", () => {
  it("lists newest first", () => {
    const s = new AlertStore();
    [alert(1), alert(3), alert(2)].forEach((a) => s.upsert(a));
    expect(s.list().map((a) => a.ts.slice(14, 16))).toEqual(["03", "02", "01"]);
  });

  it("is a queue: new before acknowledged before resolved, the most severe first, then the latest sighting", () => {
    const s = new AlertStore();
    s.upsert(alert(1, { state: "resolved", severity: "critical" }));
    s.upsert(alert(2, { state: "acknowledged", severity: "critical" }));
    s.upsert(alert(3, { severity: "medium" }));
    s.upsert(alert(4));
    // Raised first, but seen again later than alert 4.
    s.upsert(alert(0, { lastSeenAt: new Date(Date.UTC(2026, 10, 23, 6, 30)).toISOString(), occurrences: 3 }));
    // A retroactive hit: an old read, raised now.
    s.upsert(alert(5, { ts: new Date(Date.UTC(2026, 10, 22, 6, 0)).toISOString(), raisedAt: new Date(Date.UTC(2026, 10, 23, 7, 0)).toISOString() }));
    expect(s.list().map((a) => Number(a.id.slice(-2)))).toEqual([5, 0, 4, 3, 2, 1]);
  });

  it("applies updates but never lets a late, older copy undo them", () => {
    const s = new AlertStore();
    const a = alert(1);
    expect(s.upsert(a)).toBe("new");
    const acked = { ...a, state: "acknowledged" as const, updatedAt: "2026-11-23T06:10:00.000Z", updatedBy: "op1" };
    expect(s.upsert(acked)).toBe("updated");
    expect(s.upsert(a)).toBe("stale");
    expect(s.get(a.id)?.state).toBe("acknowledged");
    expect(s.upsert({ ...acked, updatedAt: acked.updatedAt, state: "new" })).toBe("stale");
    expect(s.upsert({ ...acked, state: "resolved", updatedAt: "2026-11-23T06:11:00.000Z", note: "done" })).toBe("updated");
    expect(s.get(a.id)).toMatchObject({ state: "resolved", note: "done", updatedBy: "op1" });
  });

  it("filters by type and state; empty sets mean everything", () => {
    const s = new AlertStore();
    s.upsert(alert(1, { type: "fire", severity: "critical" }));
    s.upsert(alert(2, { state: "resolved" }));
    s.upsert(alert(3, { type: "camera_offline", severity: "medium", state: "acknowledged" }));
    const f = (types: Alert["type"][], states: Alert["state"][]) => s.list({ types: new Set(types), states: new Set(states) }).length;
    expect(f([], [])).toBe(3);
    expect(f(["fire"], [])).toBe(1);
    expect(f([], ["new", "acknowledged"])).toBe(2);
    expect(f(["watchlist_hit"], ["new"])).toBe(0);
    expect(s.countByState("new")).toBe(1);
  });

  it("moves the selection within the filtered list and clamps at the ends", () => {
    const s = new AlertStore();
    [1, 2, 3].forEach((i) => s.upsert(alert(i)));
    const ids = s.list().map((a) => a.id);
    expect(s.move(1)).toBe(ids[0]);
    expect(s.move(1)).toBe(ids[1]);
    expect(s.move(5)).toBe(ids[2]);
    expect(s.move(-10)).toBe(ids[0]);
    const onlyNone = { types: new Set<Alert["type"]>(["fire"]), states: new Set<Alert["state"]>() };
    expect(s.move(1, onlyNone)).toBeNull();
  });

  it("says which alerts changed: one event per upsert or page, none for a stale copy; selection moves name both ends", () => {
    const s = new AlertStore();
    const events: AlertChange[] = [];
    s.changed.on((c) => events.push(c));
    s.upsertMany([alert(1), alert(2), alert(3)]);
    expect(events).toEqual([{ ids: [alert(1).id, alert(2).id, alert(3).id] }]);
    s.upsert({ ...alert(2), state: "acknowledged", updatedAt: "2026-11-23T06:10:00.000Z" });
    s.upsert(alert(2)); // stale: the older copy changes nothing, so nothing is redrawn
    s.upsertMany([alert(1)]); // the same version again replaces it (same time, same state) and is reported
    expect(events.slice(1)).toEqual([{ ids: [alert(2).id] }, { ids: [alert(1).id] }]);
    events.length = 0;
    s.select(alert(3).id);
    s.select(alert(3).id); // already selected: no event
    s.move(1);
    expect(events).toEqual([
      { ids: [], selection: { from: null, to: alert(3).id } },
      { ids: [], selection: { from: alert(3).id, to: alert(1).id } },
    ]);
  });

  it("treats high and critical as urgent", () => {
    expect(isUrgent({ severity: "critical" })).toBe(true);
    expect(isUrgent({ severity: "high" })).toBe(true);
    expect(isUrgent({ severity: "medium" })).toBe(false);
  });
});
