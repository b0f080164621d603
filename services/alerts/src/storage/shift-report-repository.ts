import type { ShiftAlert } from "../reports/shift-figures.js";
import { cameraInUnitsSql, cameraUnitSql } from "../units/unit-scope.js";
import type { Queryable } from "./database.js";

interface Row {
  type: string;
  severity: string;
  state: string;
  resolve_reason: string | null;
  escalated: boolean;
  ack_s: number | null;
  resolve_s: number | null;
  camera_unit: string | null;
  watchlist_unit: string | null;
  assigned_unit_id: string | null;
}

/** An alert of the window and the units that see it (its camera's, its watchlist entry's, the one it was given to). */
export interface ShiftReportAlert extends ShiftAlert {
  units: string[];
}

/**
 * The alerts raised in [from, to) that `units` see — the alert list's rule (unit-scope.ts): their
 * camera's unit, the unit owning the watchlist entry they hit, the unit they were assigned to.
 * `units` null: every alert (the root unit's report, like the province's own alert list). Time to
 * acknowledge: from the server time it was raised (raised_at; ts for old rows) to the first
 * acknowledgement (acknowledged_at); time to resolve: to the "resolved" line of alert_history.
 * System alerts are left out: they belong to no unit.
 */
const SQL = `
  SELECT al.type, al.severity, al.state, al.resolve_reason, al.escalated_at IS NOT NULL AS escalated,
         EXTRACT(EPOCH FROM (al.acknowledged_at - COALESCE(al.raised_at, al.ts)))::float8 AS ack_s,
         EXTRACT(EPOCH FROM (r.at - COALESCE(al.raised_at, al.ts)))::float8 AS resolve_s,
         CASE WHEN c.id IS NULL THEN NULL ELSE ${cameraUnitSql("c")} END AS camera_unit,
         w.unit_id AS watchlist_unit, al.assigned_unit_id
    FROM alerts al
    LEFT JOIN cameras c ON c.id = al.camera_id
    LEFT JOIN watchlist w ON w.id = al.watchlist_id
    LEFT JOIN LATERAL (SELECT MIN(h.at) AS at FROM alert_history h WHERE h.alert_id = al.id AND h.kind = 'state' AND h.state = 'resolved') r ON true
   WHERE al.type <> 'system'
     AND COALESCE(al.raised_at, al.ts) >= $1::timestamptz AND COALESCE(al.raised_at, al.ts) < $2::timestamptz
     AND ($3::text[] IS NULL OR ${cameraInUnitsSql("al.camera_id", "$3")} OR al.assigned_unit_id = ANY($3::text[])
          OR al.watchlist_id IN (SELECT id FROM watchlist WHERE unit_id = ANY($3::text[])))`;

export function createShiftReportRepository(db: Queryable) {
  return {
    async alerts(units: readonly string[] | null, from: string, to: string): Promise<ShiftReportAlert[]> {
      const { rows } = await db.query<Row>(SQL, [from, to, units ? [...units] : null]);
      return rows.map((r) => ({
        type: r.type,
        severity: r.severity,
        resolved: r.state === "resolved",
        resolveReason: r.resolve_reason,
        escalated: r.escalated,
        ackS: r.ack_s === null ? null : Number(r.ack_s),
        resolveS: r.resolve_s === null ? null : Number(r.resolve_s),
        units: [...new Set([r.camera_unit, r.watchlist_unit, r.assigned_unit_id].filter((u): u is string => !!u))],
      }));
    },
  };
}
export type ShiftReportRepository = ReturnType<typeof createShiftReportRepository>;
