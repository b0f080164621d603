import type { Alert, UnitTree } from "@vigil/contracts";

/** What escalation needs of the unit tree: an alert's units and the tree itself. */
export interface EscalationUnits {
  alertUnits(alert: Pick<Alert, "cameraId" | "watchlistId">): Promise<string[]>;
  tree(): Promise<UnitTree>;
}

/**
 * Whose supervisors an unacknowledged alert goes up to: the unit above the alert's camera's unit
 * (a commune's alert to its district). At the root, or with no unit known, `{}`: every supervisor.
 */
export function parentUnitEscalation(units: EscalationUnits): (alert: Alert) => Promise<{ unitId?: string }> {
  return async (alert) => {
    const [own] = await units.alertUnits(alert);
    if (!own) return {};
    const parentId = (await units.tree()).get(own)?.parentId;
    return parentId ? { unitId: parentId } : {};
  };
}

/** A webhook of unit `unitId` takes the alerts of that unit and those below it (and alerts given to one of them). */
export function alertInUnitTree(units: EscalationUnits): (alert: Alert, unitId: string) => Promise<boolean> {
  return async (alert, unitId) => {
    const within = (await units.tree()).subtree(unitId);
    if (alert.assignedUnitId && within.has(alert.assignedUnitId)) return true;
    return (await units.alertUnits(alert)).some((u) => within.has(u));
  };
}
