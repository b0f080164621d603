import { buildUnitTree, flattenTree, unitListResponseSchema, type Unit } from "@vigil/contracts";
import type { ApiClient } from "../api/client.js";
import { h } from "../ui/dom.js";

/** The units the signed-in user sees, from the server. */
export async function loadUnits(api: ApiClient): Promise<Unit[]> {
  return (await api.get("/api/v1/units", unitListResponseSchema)).items;
}

/**
 * A <select> of units as a tree (each level indented), `selected` chosen. `exclude`: a unit whose
 * subtree may not be offered (a unit cannot move under itself or below itself).
 */
export function unitSelect(units: readonly Unit[], options: { name: string; selected?: string | null | undefined; exclude?: string; label: string }): HTMLSelectElement {
  const tree = buildUnitTree(units);
  const excluded = options.exclude ? tree.subtree(options.exclude) : new Set<string>();
  return h(
    "select",
    { attrs: { name: options.name, "aria-label": options.label } },
    ...flattenTree(tree)
      .filter(({ unit }) => !excluded.has(unit.id))
      .map(({ unit, depth }) => h("option", { attrs: { value: unit.id, selected: unit.id === options.selected } }, `${"\u00a0\u00a0".repeat(depth)}${depth ? "└ " : ""}${unit.name}`)),
  );
}

/** A unit's name for a table cell; its id when the unit is not among those loaded. */
export function unitName(units: readonly Unit[], id: string | null | undefined): string {
  if (!id) return "";
  return units.find((u) => u.id === id)?.name ?? id;
}
