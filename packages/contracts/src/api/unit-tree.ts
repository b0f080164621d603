import { ROOT_UNIT_ID, type Unit } from "./units.js";

/**
 * The unit tree in memory: built from the stored rows, asked for subtrees (a user's scope) and for
 * the moves that would make a cycle. Pure: the alert service caches one, the console draws one.
 */
export interface UnitTree {
  readonly units: readonly Unit[];
  get(id: string): Unit | undefined;
  has(id: string): boolean;
  /** `id` and every unit below it; empty when there is no such unit. */
  subtree(id: string): Set<string>;
  /** Units directly below `id`. */
  children(id: string): Unit[];
  /** The root (no parent), when there is one. */
  readonly rootId: string | null;
  /** Whether `descendant` is `ancestor` or lies below it. */
  contains(ancestor: string, descendant: string): boolean;
}

export function buildUnitTree(rows: readonly Unit[]): UnitTree {
  const byId = new Map(rows.map((u) => [u.id, u]));
  const kids = new Map<string, Unit[]>();
  for (const u of rows) {
    if (!u.parentId) continue;
    const list = kids.get(u.parentId) ?? [];
    list.push(u);
    kids.set(u.parentId, list);
  }
  for (const list of kids.values()) list.sort((a, b) => a.name.localeCompare(b.name, "vi", { numeric: true }));
  const root = rows.find((u) => !u.parentId)?.id ?? null;
  const subtrees = new Map<string, Set<string>>();

  function subtree(id: string): Set<string> {
    const cached = subtrees.get(id);
    if (cached) return cached;
    const out = new Set<string>();
    if (byId.has(id)) {
      // Iterative, with a visited set: rows written around the service (by hand) cannot loop it.
      const stack = [id];
      while (stack.length) {
        const next = stack.pop()!;
        if (out.has(next)) continue;
        out.add(next);
        for (const c of kids.get(next) ?? []) stack.push(c.id);
      }
    }
    subtrees.set(id, out);
    return out;
  }

  return {
    units: rows,
    get: (id) => byId.get(id),
    has: (id) => byId.has(id),
    subtree,
    children: (id) => kids.get(id) ?? [],
    rootId: root,
    contains: (ancestor, descendant) => subtree(ancestor).has(descendant),
  };
}

export type UnitMoveRefusal = { code: "unknown_parent" | "root_unit" | "cycle"; message: string };

/** Why `id` may not go under `parentId` (null: it may). The root stays the root; a unit never goes below itself. */
export function moveRefusal(tree: UnitTree, id: string, parentId: string): UnitMoveRefusal | null {
  if (!tree.has(parentId)) return { code: "unknown_parent", message: `no unit "${parentId}"` };
  if (id === (tree.rootId ?? ROOT_UNIT_ID)) return { code: "root_unit", message: "the root unit cannot be moved" };
  if (tree.contains(id, parentId)) {
    return { code: "cycle", message: parentId === id ? "a unit cannot be its own parent" : `"${parentId}" lies below "${id}": moving "${id}" under it would make a cycle` };
  }
  return null;
}

/** Depth-first order with each unit's depth (the console's tree view; `id` and depth only matter there). */
export function flattenTree(tree: UnitTree): Array<{ unit: Unit; depth: number }> {
  const out: Array<{ unit: Unit; depth: number }> = [];
  const visit = (u: Unit, depth: number, seen: Set<string>) => {
    if (seen.has(u.id)) return;
    seen.add(u.id);
    out.push({ unit: u, depth });
    for (const c of tree.children(u.id)) visit(c, depth + 1, seen);
  };
  const root = tree.rootId ? tree.get(tree.rootId) : undefined;
  const seen = new Set<string>();
  if (root) visit(root, 0, seen);
  // A user's scope below the root (a district and its communes): its tops are the units whose parent is not among the rows.
  const tops = tree.units.filter((u) => u.parentId && !tree.has(u.parentId)).sort((a, b) => a.name.localeCompare(b.name, "vi", { numeric: true }));
  for (const top of tops) visit(top, 0, seen);
  return out;
}
