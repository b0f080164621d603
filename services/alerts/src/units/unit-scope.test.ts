import { describe, expect, it } from "vitest";
import { buildUnitTree } from "@vigil/contracts";
import { alertInScope, cameraInUnitsSql, cameraUnitOf, scopeOf } from "./unit-scope.js";

const tree = buildUnitTree([
  { id: "root", name: "Công an tỉnh", parentId: null },
  { id: "huyen-a", name: "Công an huyện A", parentId: "root" },
  { id: "xa-a1", name: "Công an xã A1", parentId: "huyen-a" },
  { id: "huyen-b", name: "Công an huyện B", parentId: "root" },
]);

describe("a user's scope", () => {
  it("is everything for an admin and for any user of the root unit (no SQL filter)", () => {
    for (const user of [{ role: "admin" as const, unitId: "xa-a1" }, { role: "supervisor" as const, unitId: "root" }, { role: "operator" as const }]) {
      const s = scopeOf(tree, user);
      expect(s.all).toBe(true);
      expect(s.units).toBeNull();
      expect(s.has("huyen-b")).toBe(true);
      expect(s.has(null)).toBe(true);
    }
  });

  it("is the user's unit and the units below it for everyone else", () => {
    const s = scopeOf(tree, { role: "supervisor", unitId: "huyen-a" });
    expect(s.all).toBe(false);
    expect([...(s.units ?? [])].sort()).toEqual(["huyen-a", "xa-a1"]);
    expect(s.has("xa-a1")).toBe(true);
    expect(s.has("huyen-b")).toBe(false);
    expect(s.has("root")).toBe(false);
    // A record of no unit (an audit row without a user) is only for those who see everything.
    expect(s.has(null)).toBe(false);
    expect(scopeOf(tree, { role: "operator", unitId: "xa-a1" }).units).toEqual(["xa-a1"]);
  });

  it("is empty, not wider, for a unit that no longer exists", () => {
    const s = scopeOf(tree, { role: "operator", unitId: "removed" });
    expect(s.all).toBe(false);
    expect(s.units).toEqual([]);
    expect(s.has("root")).toBe(false);
  });

  it("puts a camera without a unit in the root unit, in code and in SQL alike", () => {
    expect(cameraUnitOf({})).toBe("root");
    expect(cameraUnitOf({ unitId: "huyen-a" })).toBe("huyen-a");
    expect(cameraInUnitsSql("r.camera_id", "$4")).toBe("r.camera_id IN (SELECT id FROM cameras WHERE COALESCE(config->>'unitId', 'root') = ANY($4::text[]))");
  });
});

describe("an alert's visibility", () => {
  // Camera units and watchlist-entry units as the database would give them.
  const cameraUnits: Record<string, string> = { "cam-a": "huyen-a", "cam-b": "huyen-b", "cam-a1": "xa-a1" };
  const entryUnits: Record<string, string> = { "entry-a": "huyen-a" };
  const units = {
    scopeFor: async () => scopeOf(tree, { role: "operator" }),
    alertUnits: async (a: { cameraId: string; watchlistId?: string | undefined }) =>
      [cameraUnits[a.cameraId], a.watchlistId ? entryUnits[a.watchlistId] : undefined].filter((u): u is string => !!u),
  };
  const districtA = scopeOf(tree, { role: "operator", unitId: "huyen-a" });
  const districtB = scopeOf(tree, { role: "operator", unitId: "huyen-b" });
  const fire = (cameraId: string) => ({ type: "fire" as const, cameraId });

  it("follows the camera's unit, down the tree but not sideways", async () => {
    expect(await alertInScope(units, "operator", districtA, fire("cam-a"))).toBe(true);
    expect(await alertInScope(units, "operator", districtA, fire("cam-a1"))).toBe(true);
    expect(await alertInScope(units, "operator", districtA, fire("cam-b"))).toBe(false);
    expect(await alertInScope(units, "operator", districtB, fire("cam-a1"))).toBe(false);
  });

  it("also reaches the unit owning the watchlist entry, and a unit it was given to", async () => {
    const hit = { type: "watchlist_hit" as const, cameraId: "cam-b", watchlistId: "entry-a" };
    expect(await alertInScope(units, "operator", districtA, hit)).toBe(true);
    expect(await alertInScope(units, "operator", districtB, hit)).toBe(true);
    expect(await alertInScope(units, "operator", districtA, { ...fire("cam-b"), assignedUnitId: "huyen-a" })).toBe(true);
  });

  it("keeps system alerts for administrators, whatever the scope", async () => {
    const system = { type: "system" as const, cameraId: "vigil-system" };
    expect(await alertInScope(units, "supervisor", scopeOf(tree, { role: "supervisor", unitId: "root" }), system)).toBe(false);
    expect(await alertInScope(units, "admin", scopeOf(tree, { role: "admin" }), system)).toBe(true);
  });
});
