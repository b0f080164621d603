import { alertSeverity, alertType, shiftAt, shiftWindow, type ShiftName, type ShiftReportQuery, type ShiftReportResponse, type UnitTree } from "@vigil/contracts";
import type { ShiftReportAlert } from "../storage/shift-report-repository.js";
import { figuresBy, shiftFigures } from "./shift-figures.js";

/** Severities most severe first, as a chief reads them. */
const SEVERITY_ORDER = [...alertSeverity.options].reverse();

/**
 * The window a query asks for: from/to as given, a named shift of a day (Vietnam time), or —
 * neither — the shift running at `now`.
 */
export function reportWindow(q: Pick<ShiftReportQuery, "from" | "to" | "date" | "shift">, now: number): { from: string; to: string; shift: { date: string; name: ShiftName } | null } {
  if (q.from && q.to) return { from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), shift: null };
  const named = q.date && q.shift ? { date: q.date, shift: q.shift } : shiftAt(now);
  return { ...shiftWindow(named.date, named.shift), shift: { date: named.date, name: named.shift } };
}

/**
 * Which units' alerts the report of `unitId` reads: its subtree; null (no filter) for the root,
 * whose users see everything — alerts of cameras in no known unit included, like their alert list.
 */
export function reportUnits(tree: UnitTree, unitId: string): string[] | null {
  return unitId === tree.rootId ? null : [...tree.subtree(unitId)];
}

/** The report from the window's alerts: totals, per type, per severity, and per unit directly below. */
export function buildShiftReport(input: {
  tree: UnitTree;
  unitId: string;
  window: ReturnType<typeof reportWindow>;
  alerts: readonly ShiftReportAlert[];
}): ShiftReportResponse {
  const { tree, unitId, window, alerts } = input;
  const units = tree.children(unitId).map((child) => {
    const below = tree.subtree(child.id);
    return { unitId: child.id, name: child.name, ...shiftFigures(alerts.filter((a) => a.units.some((u) => below.has(u)))) };
  });
  return {
    unitId,
    from: window.from,
    to: window.to,
    shift: window.shift,
    totals: shiftFigures(alerts),
    byType: figuresBy(alerts, alertType.options, (a) => a.type).map(({ key, ...f }) => ({ type: key, ...f })),
    bySeverity: figuresBy(alerts, SEVERITY_ORDER, (a) => a.severity).map(({ key, ...f }) => ({ severity: key, ...f })),
    units,
  };
}
