import { alertSeverityRank, compareAlertsForQueue, type Alert, type AlertState, type AlertType } from "@vigil/contracts";

export interface AlertFilter {
  /** Empty = every type. */
  types: ReadonlySet<AlertType>;
  /** Empty = every state. */
  states: ReadonlySet<AlertState>;
}

export type UpsertResult = "new" | "updated" | "stale";

/** Sounds, banners and flashing markers are for these. */
export function isUrgent(alert: Pick<Alert, "severity">): boolean {
  return alertSeverityRank(alert.severity) >= alertSeverityRank("high");
}

/** When the alert last changed: updates carry `updatedAt`; a fresh alert only has `ts`. */
function version(alert: Alert): number {
  return Date.parse(alert.updatedAt ?? alert.ts);
}

const STATE_RANK: Record<AlertState, number> = { new: 0, acknowledged: 1, resolved: 2 };

/**
 * The console's alert queue (the order of `compareAlertsForQueue`, the REST list's too), updated from the REST list and from Socket.IO
 * (`alert:new`, `alert:update`) in whatever order they arrive. Pure, so it is unit-tested.
 */
export class AlertStore {
  private readonly byId = new Map<string, Alert>();
  private selected: string | null = null;

  /** Adds or replaces an alert; an older copy (late socket message, stale page) never overwrites a newer one. */
  upsert(alert: Alert): UpsertResult {
    const existing = this.byId.get(alert.id);
    if (!existing) {
      this.byId.set(alert.id, alert);
      return "new";
    }
    const older = version(alert) < version(existing);
    const sameTimeButBackwards = version(alert) === version(existing) && STATE_RANK[alert.state] < STATE_RANK[existing.state];
    if (older || sameTimeButBackwards) return "stale";
    this.byId.set(alert.id, { ...existing, ...alert });
    return "updated";
  }

  get(id: string): Alert | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Alerts that pass the filter in queue order: new, acknowledged, resolved; most severe; most recently seen. */
  list(filter?: AlertFilter): Alert[] {
    const all = [...this.byId.values()].filter(
      (a) => !filter || ((filter.types.size === 0 || filter.types.has(a.type)) && (filter.states.size === 0 || filter.states.has(a.state))),
    );
    return all.sort(compareAlertsForQueue);
  }

  countByState(state: AlertState): number {
    let n = 0;
    for (const a of this.byId.values()) if (a.state === state) n++;
    return n;
  }

  get selectedId(): string | null {
    return this.selected;
  }

  select(id: string | null): void {
    this.selected = id;
  }

  /** j/k: moves the selection through the filtered list; starts at the top when nothing (visible) is selected. */
  move(delta: number, filter?: AlertFilter): string | null {
    const items = this.list(filter);
    if (items.length === 0) return (this.selected = null);
    const idx = items.findIndex((a) => a.id === this.selected);
    const next = idx < 0 ? 0 : Math.min(items.length - 1, Math.max(0, idx + delta));
    this.selected = items[next]?.id ?? null;
    return this.selected;
  }
}
