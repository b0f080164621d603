import { describe, expect, it } from "vitest";
import { buildUnitTree } from "@vigil/contracts";
import type { ShiftReportAlert } from "../storage/shift-report-repository.js";
import { buildShiftReport, reportUnits, reportWindow } from "./shift-report.js";

const tree = buildUnitTree([
  { id: "root", name: "Công an tỉnh", parentId: null },
  { id: "huyen-a", name: "Công an huyện A", parentId: "root" },
  { id: "xa-a1", name: "Công an xã A1", parentId: "huyen-a" },
  { id: "huyen-b", name: "Công an huyện B", parentId: "root" },
]);
const alert = (units: string[], over: Partial<ShiftReportAlert> = {}): ShiftReportAlert => ({
  type: "fire", severity: "critical", resolved: false, resolveReason: null, escalated: false, ackS: null, resolveS: null, units, ...over,
});

describe("report window", () => {
  const now = Date.parse("2026-11-24T02:10:00+07:00");
  it("is the shift running now when nothing is asked (at 02:10 the previous day's night shift)", () => {
    expect(reportWindow({}, now)).toEqual({ from: "2026-11-23T15:00:00.000Z", to: "2026-11-23T23:00:00.000Z", shift: { date: "2026-11-23", name: "22-06" } });
  });
  it("is the named shift, or the window as given (in UTC)", () => {
    expect(reportWindow({ date: "2026-11-20", shift: "14-22" }, now)).toEqual({ from: "2026-11-20T07:00:00.000Z", to: "2026-11-20T15:00:00.000Z", shift: { date: "2026-11-20", name: "14-22" } });
    expect(reportWindow({ from: "2026-11-20T08:00:00+07:00", to: "2026-11-20T09:30:00+07:00" }, now)).toEqual({ from: "2026-11-20T01:00:00.000Z", to: "2026-11-20T02:30:00.000Z", shift: null });
  });
});

describe("shift report", () => {
  it("reads the root's alerts unfiltered and a district's over its subtree", () => {
    expect(reportUnits(tree, "root")).toBeNull();
    expect(reportUnits(tree, "huyen-a")?.sort()).toEqual(["huyen-a", "xa-a1"]);
    expect(reportUnits(tree, "xa-a1")).toEqual(["xa-a1"]);
  });

  it("totals, per type (type order), per severity (most severe first) and per unit directly below (with its units)", () => {
    const window = reportWindow({ date: "2026-11-23", shift: "06-14" }, 0);
    const report = buildShiftReport({
      tree,
      unitId: "root",
      window,
      alerts: [
        alert(["xa-a1"], { ackS: 20 }),
        alert(["huyen-a"], { type: "watchlist_hit", severity: "high", ackS: 40, resolved: true, resolveS: 100, resolveReason: "false_alarm" }),
        alert(["huyen-b", "huyen-a"], { type: "watchlist_hit", severity: "high", escalated: true }), // seen by both districts
        alert(["root"], { type: "camera_offline", severity: "high" }),
      ],
    });
    expect(report).toMatchObject({ unitId: "root", from: window.from, to: window.to, shift: { date: "2026-11-23", name: "06-14" } });
    expect(report.totals).toMatchObject({ raised: 4, acknowledged: 2, resolved: 1, escalated: 1, ackP50S: 30, falseAlarmShare: 1 });
    expect(report.byType.map((r) => [r.type, r.raised])).toEqual([["watchlist_hit", 2], ["fire", 1], ["camera_offline", 1]]);
    expect(report.bySeverity.map((r) => [r.severity, r.raised])).toEqual([["critical", 1], ["high", 3]]);
    expect(report.units.map((u) => [u.unitId, u.name, u.raised, u.escalated])).toEqual([["huyen-a", "Công an huyện A", 3, 1], ["huyen-b", "Công an huyện B", 1, 1]]);
  });

  it("lists the units below a commune as none", () => {
    const report = buildShiftReport({ tree, unitId: "xa-a1", window: reportWindow({}, 0), alerts: [] });
    expect(report.units).toEqual([]);
    expect(report.totals.raised).toBe(0);
    expect(report.byType).toEqual([]);
  });
});
