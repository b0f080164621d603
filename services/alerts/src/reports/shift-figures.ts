import type { ShiftFigures } from "@vigil/contracts";

/** One alert of the window, as the report needs it (durations in seconds from when it was raised). */
export interface ShiftAlert {
  type: string;
  severity: string;
  resolved: boolean;
  resolveReason: string | null;
  escalated: boolean;
  /** Raised → first acknowledgement; null: never acknowledged. */
  ackS: number | null;
  /** Raised → resolved; null: not resolved (or resolved before resolution times were kept). */
  resolveS: number | null;
}

/**
 * The `p` quantile (0..1) of `values`, interpolated linearly between the two nearest ranks — the
 * definition of PostgreSQL's percentile_cont, so the figures read the same as an SQL check of them.
 * Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile ${p} is not within 0..1`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Seconds to one decimal: the report shows seconds and minutes, not clock jitter. */
const tenth = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);

/**
 * The figures of a set of alerts. A duration below zero (an acknowledgement stamped a clock tick
 * before the raise on another instance) counts as zero.
 */
export function shiftFigures(alerts: readonly ShiftAlert[]): ShiftFigures {
  const ack = alerts.flatMap((a) => (a.ackS === null ? [] : [Math.max(0, a.ackS)]));
  const resolve = alerts.flatMap((a) => (a.resolved && a.resolveS !== null ? [Math.max(0, a.resolveS)] : []));
  const resolved = alerts.filter((a) => a.resolved).length;
  const falseAlarms = alerts.filter((a) => a.resolved && a.resolveReason === "false_alarm").length;
  return {
    raised: alerts.length,
    acknowledged: ack.length,
    resolved,
    open: alerts.length - resolved,
    escalated: alerts.filter((a) => a.escalated).length,
    falseAlarms,
    ackP50S: tenth(percentile(ack, 0.5)),
    ackP95S: tenth(percentile(ack, 0.95)),
    resolveP50S: tenth(percentile(resolve, 0.5)),
    resolveP95S: tenth(percentile(resolve, 0.95)),
    falseAlarmShare: resolved > 0 ? falseAlarms / resolved : null,
  };
}

/** Figures per value of `key`, in `order`, leaving out values no alert has. */
export function figuresBy<K extends string>(alerts: readonly ShiftAlert[], order: readonly K[], key: (a: ShiftAlert) => string): Array<ShiftFigures & { key: K }> {
  return order.flatMap((k) => {
    const some = alerts.filter((a) => key(a) === k);
    return some.length ? [{ key: k, ...shiftFigures(some) }] : [];
  });
}
