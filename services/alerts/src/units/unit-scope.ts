import type { FastifyRequest } from "fastify";
import { ROOT_UNIT_ID, type Alert, type PublicUser, type UnitTree, type UserRole } from "@vigil/contracts";

/**
 * What a user may see: the records of their unit and of every unit below it. An admin, and anyone
 * in the root unit (the province's command), see everything — records of no unit included (audit
 * rows without a user, cameras of a unit removed since).
 *
 * Every route and push that hands out cameras, alerts, plate reads, tracks, watchlist entries or audit
 * rows goes through this module: `requestScope(deps, req)` for the scope, `scope.units` as the SQL
 * filter (null: none), `scope.has(unitId)` for one record, `alertVisibleTo(deps, req, alert)` for one alert.
 */
export interface UnitScope {
  readonly all: boolean;
  /** The units in scope (every unit when `all`). */
  readonly unitIds: ReadonlySet<string>;
  /** For a repository's SQL filter: null when the scope is everything (no filter, no cost). */
  readonly units: string[] | null;
  /** Whether a record of this unit is in scope; a record without a unit only for `all`. */
  has(unitId: string | null | undefined): boolean;
}

export function scopeOf(tree: UnitTree, user: Pick<PublicUser, "role" | "unitId">): UnitScope {
  const unit = user.unitId ?? ROOT_UNIT_ID;
  if (user.role === "admin" || unit === tree.rootId) {
    const every = new Set(tree.units.map((u) => u.id));
    return { all: true, unitIds: every, units: null, has: () => true };
  }
  // A unit removed under a logged-in user leaves them an empty scope, never a wider one.
  const mine = tree.subtree(unit);
  return { all: false, unitIds: mine, units: [...mine], has: (id) => !!id && mine.has(id) };
}

/** A camera's unit (absent: the root's). The one place that default lives for code; SQL has `cameraUnitSql`. */
export const cameraUnitOf = (camera: { unitId?: string | undefined }): string => camera.unitId ?? ROOT_UNIT_ID;

/**
 * The same default in SQL, over `cameras.config` (written exactly like migration 019's index, so the
 * planner uses it). `alias`: the cameras table's alias in the query, if any.
 */
export const cameraUnitSql = (alias?: string): string => `COALESCE(${alias ? `${alias}.` : ""}config->>'unitId', '${ROOT_UNIT_ID}')`;

/** SQL: "camera_id is one of the scope's cameras", with `param` the placeholder of the scope's unit ids. */
export const cameraInUnitsSql = (column: string, param: string): string =>
  `${column} IN (SELECT id FROM cameras WHERE ${cameraUnitSql()} = ANY(${param}::text[]))`;

/** What the route helpers need: the unit service's scope and alert look-ups. */
export interface ScopeSource {
  units: {
    scopeFor(user: Pick<PublicUser, "role" | "unitId">): Promise<UnitScope>;
    alertUnits(alert: Pick<Alert, "cameraId" | "watchlistId">): Promise<string[]>;
  };
}

const perRequest = new WeakMap<FastifyRequest, Promise<UnitScope>>();

/** The scope of the request's user (once per request). Call only behind `requireRole` (a session exists). */
export function requestScope(deps: ScopeSource, req: FastifyRequest): Promise<UnitScope> {
  let scope = perRequest.get(req);
  if (!scope) {
    const user = req.session?.user;
    // No session cannot happen behind requireRole; an empty scope is the safe answer if it ever does.
    scope = user ? deps.units.scopeFor(user) : Promise.resolve({ all: false, unitIds: new Set<string>(), units: [], has: () => false });
    perRequest.set(req, scope);
  }
  return scope;
}

type ScopedAlert = Pick<Alert, "type" | "cameraId" | "watchlistId" | "assignedUnitId">;

/** System alerts (a locked account, failed integrity) are for this role only: lists, reads and socket pushes. */
export const SYSTEM_ALERT_ROLE = "admin" satisfies UserRole;
export const seesSystemAlerts = (role: UserRole | undefined): boolean => role === SYSTEM_ALERT_ROLE;

/**
 * Whether a user of `role` and `scope` may see (and handle) this alert. An alert belongs to its
 * camera's unit; a watchlist hit also to the unit that owns the entry (a district's wanted car read
 * in another district: both see the hit), and an alert given to a unit (assign) to that unit.
 * System alerts (a locked account, failed integrity) are for administrators only.
 */
export async function alertInScope(units: ScopeSource["units"], role: UserRole, scope: UnitScope, alert: ScopedAlert): Promise<boolean> {
  if (alert.type === "system") return seesSystemAlerts(role);
  if (scope.all || scope.has(alert.assignedUnitId)) return true;
  return (await units.alertUnits(alert)).some((u) => scope.has(u));
}

/** `alertInScope` for the request's user: the one line a route handing out or changing one alert needs. */
export async function alertVisibleTo(deps: ScopeSource, req: FastifyRequest, alert: ScopedAlert): Promise<boolean> {
  return alertInScope(deps.units, req.session?.user.role ?? "operator", await requestScope(deps, req), alert);
}
