import { alertSeverityRank, compareAlertsForQueue, type Alert, type AlertState, type AlertType } from "@vigil/contracts";
import { Emitter } from "../app/emitter.js";

export interface AlertFilter {
  /** Empty = every type. */
  types: ReadonlySet<AlertType>;
  /** Empty = every state. */
  states: ReadonlySet<AlertState>;
}

export type UpsertResult = "new" | "updated" | "stale";

/**
 * What one store change touched, so a view redraws those cards only: `ids` were added or replaced
 * (stale copies are not reported), `selection` says the selected alert moved from one id to another.
 */
export interface AlertChange {
  readonly ids: readonly string[];
  readonly selection?: { readonly from: string | null; readonly to: string | null };
}

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
  /** Fires after every change that a view could show; nothing fires for a stale copy or a no-op selection. */
  readonly changed = new Emitter<AlertChange>();

  /** Adds or replaces an alert; an older copy (late socket message, stale page) never overwrites a newer one. */
  upsert(alert: Alert): UpsertResult {
    const result = this.put(alert);
    if (result !== "stale") this.changed.emit({ ids: [alert.id] });
    return result;
  }

  /** A page of alerts (the REST list, a reload after a reconnect) as one change: one redraw, not one per alert. */
  upsertMany(alerts: Iterable<Alert>): void {
    const ids: string[] = [];
    for (const a of alerts) if (this.put(a) !== "stale") ids.push(a.id);
    if (ids.length) this.changed.emit({ ids });
  }

  private put(alert: Alert): UpsertResult {
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
    const from = this.selected;
    this.selected = id;
    if (from !== id) this.changed.emit({ ids: [], selection: { from, to: id } });
  }

  /** j/k: moves the selection through the filtered list; starts at the top when nothing (visible) is selected. */
  move(delta: number, filter?: AlertFilter): string | null {
    const items = this.list(filter);
    const idx = items.findIndex((a) => a.id === this.selected);
    const next = idx < 0 ? 0 : Math.min(items.length - 1, Math.max(0, idx + delta));
    this.select(items[next]?.id ?? null);
    return this.selected;
  }
}
