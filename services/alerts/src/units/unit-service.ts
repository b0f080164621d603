import { randomBytes } from "node:crypto";
import { buildUnitTree, moveRefusal, ROOT_UNIT_ID, type Alert, type PublicUser, type Unit, type UnitCreate, type UnitPatch, type UnitTree } from "@vigil/contracts";
import type { UnitContents, UnitsRepository } from "../storage/units-repository.js";
import { scopeOf, type UnitScope } from "./unit-scope.js";

/** A refused unit operation: the HTTP status and a stable code the console translates. */
export class UnitError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
    readonly details?: UnitContents,
  ) {
    super(message);
  }
}

/**
 * Other instances change units too: a cached tree older than this is read again (a changed scope
 * reaches REST within this time; this instance's own changes at once).
 */
const TREE_MAX_AGE_MS = 5_000;

/**
 * The unit tree: CRUD for admins, and the cached tree every scope is computed from. Changes run
 * under the units table's lock, so two concurrent moves cannot together make a cycle.
 */
export function createUnitService(deps: { units: UnitsRepository; now?: () => number; maxAgeMs?: number }) {
  const now = deps.now ?? Date.now;
  const maxAge = deps.maxAgeMs ?? TREE_MAX_AGE_MS;
  let cached: { tree: UnitTree; at: number } | null = null;
  let loading: Promise<UnitTree> | null = null;
  const listeners: Array<(tree: UnitTree) => void> = [];

  function load(): Promise<UnitTree> {
    loading ??= deps.units
      .list()
      .then((rows) => {
        cached = { tree: buildUnitTree(rows), at: now() };
        return cached.tree;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }
  async function tree(): Promise<UnitTree> {
    if (cached && now() - cached.at < maxAge) return cached.tree;
    return load();
  }
  async function changed(): Promise<void> {
    cached = null;
    const t = await load();
    for (const l of listeners) l(t);
  }

  const notFound = (id: string) => new UnitError(404, "not_found", `no unit "${id}"`);

  return {
    tree,
    /** Told after every change made here (the socket server re-joins its sockets' unit rooms). */
    onChanged(listener: (tree: UnitTree) => void): void {
      listeners.push(listener);
    },
    async scopeFor(user: Pick<PublicUser, "role" | "unitId">): Promise<UnitScope> {
      return scopeOf(await tree(), user);
    },
    /** The units in the scope, as a flat list (root first isn't promised: the console builds the tree). */
    async list(scope: UnitScope): Promise<Unit[]> {
      return (await tree()).units.filter((u) => scope.has(u.id));
    },
    async exists(id: string): Promise<boolean> {
      if ((await tree()).has(id)) return true;
      // Perhaps made a moment ago on another instance.
      return (await load()).has(id);
    },
    /** Camera's and watchlist entry's units of an alert (the units whose users see it). */
    async alertUnits(alert: Pick<Alert, "cameraId" | "watchlistId">): Promise<string[]> {
      const { camera, watchlist } = await deps.units.alertUnits(alert.cameraId, alert.watchlistId);
      return [camera, watchlist].filter((u): u is string => !!u);
    },
    /** An evidence file of another unit's camera that `scope` still sees through an alert (its watchlist entry, its assignment). */
    async alertMediaVisible(mediaPath: string, scope: UnitScope): Promise<boolean> {
      if (scope.all) return true;
      return scope.units?.length ? deps.units.alertMediaInUnits(mediaPath, scope.units) : false;
    },
    async create(input: UnitCreate): Promise<Unit> {
      const parentId = input.parentId ?? ROOT_UNIT_ID;
      const id = input.id ?? `u-${randomBytes(4).toString("hex")}`;
      const unit = await deps.units.exclusively(async (tx) => {
        const t = buildUnitTree(await tx.list());
        if (!t.has(parentId)) throw new UnitError(400, "unknown_parent", `no unit "${parentId}" to put it under`);
        if (!(await tx.create({ id, name: input.name, parentId }))) throw new UnitError(409, "unit_exists", `unit "${id}" already exists`);
        return { id, name: input.name, parentId };
      });
      await changed();
      return unit;
    },
    async update(id: string, patch: UnitPatch): Promise<Unit> {
      const unit = await deps.units.exclusively(async (tx) => {
        const t = buildUnitTree(await tx.list());
        if (!t.has(id)) throw notFound(id);
        if (patch.parentId !== undefined && patch.parentId !== t.get(id)?.parentId) {
          const refusal = moveRefusal(t, id, patch.parentId);
          if (refusal) throw new UnitError(refusal.code === "unknown_parent" ? 400 : 409, refusal.code, refusal.message);
        }
        const updated = await tx.update(id, patch);
        if (!updated) throw notFound(id);
        return updated;
      });
      await changed();
      return unit;
    },
    /** Removes an empty unit; one that still holds units, cameras, users or watchlist entries is a 409 that lists them. */
    async remove(id: string): Promise<Unit> {
      const unit = await deps.units.exclusively(async (tx) => {
        const t = buildUnitTree(await tx.list());
        const found = t.get(id);
        if (!found) throw notFound(id);
        if (id === t.rootId) throw new UnitError(409, "root_unit", "the root unit cannot be removed");
        const c = await tx.contents(id);
        const parts = [
          c.children.length ? `${c.children.length} unit(s) (${c.children.join(", ")})` : "",
          c.cameras.length ? `${c.cameras.length} camera(s) (${c.cameras.join(", ")})` : "",
          c.users.length ? `${c.users.length} user(s) (${c.users.join(", ")})` : "",
          c.watchlistEntries ? `${c.watchlistEntries} watchlist entr${c.watchlistEntries === 1 ? "y" : "ies"}` : "",
        ].filter(Boolean);
        if (parts.length) throw new UnitError(409, "unit_not_empty", `unit "${id}" still holds ${parts.join(", ")}; move or remove them first`, c);
        await tx.remove(id);
        return found;
      });
      await changed();
      return unit;
    },
  };
}
export type UnitService = ReturnType<typeof createUnitService>;
