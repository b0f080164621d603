import { describe, expect, it } from "vitest";
import type { Unit } from "@vigil/contracts";
import type { UnitContents, UnitsRepository } from "../storage/units-repository.js";
import { createUnitService, UnitError } from "./unit-service.js";

/** The repository in memory: rows, plus what each unit holds (cameras, users) as the tests set it. */
function fakeRepository() {
  const rows = new Map<string, Unit>([["root", { id: "root", name: "Công an tỉnh", parentId: null }]]);
  const held = new Map<string, Partial<UnitContents>>();
  let reads = 0;
  const repo: UnitsRepository = {
    async list() {
      reads++;
      return [...rows.values()].map((u) => ({ ...u }));
    },
    async create(u) {
      if (rows.has(u.id)) return false;
      rows.set(u.id, { ...u });
      return true;
    },
    async update(id, change) {
      const u = rows.get(id);
      if (!u) return null;
      const next = { ...u, ...(change.name ? { name: change.name } : {}), ...(change.parentId ? { parentId: change.parentId } : {}) };
      rows.set(id, next);
      return next;
    },
    async remove(id) {
      return rows.delete(id);
    },
    async contents(id) {
      const h = held.get(id) ?? {};
      return { children: [...rows.values()].filter((u) => u.parentId === id).map((u) => u.id), cameras: h.cameras ?? [], users: h.users ?? [], watchlistEntries: h.watchlistEntries ?? 0 };
    },
    async alertUnits() {
      return { camera: null, watchlist: null };
    },
    async alertMediaInUnits() {
      return false;
    },
    exclusively: (fn) => fn(repo),
  };
  return { repo, rows, held, reads: () => reads };
}

async function refusal(p: Promise<unknown>): Promise<UnitError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof UnitError)) throw new Error(`expected a UnitError, got ${String(err)}`);
  return err;
}

describe("unit service", () => {
  it("creates units under the root by default and under a given parent, refusing unknown parents and taken ids", async () => {
    const { repo } = fakeRepository();
    const units = createUnitService({ units: repo });
    expect(await units.create({ id: "huyen-a", name: "Công an huyện A" })).toEqual({ id: "huyen-a", name: "Công an huyện A", parentId: "root" });
    expect((await units.create({ id: "xa-a1", name: "Công an xã A1", parentId: "huyen-a" })).parentId).toBe("huyen-a");
    const generated = await units.create({ name: "Công an huyện B" });
    expect(generated.id).toMatch(/^u-[0-9a-f]{8}$/);
    expect(await refusal(units.create({ id: "x", name: "X", parentId: "nowhere" }))).toMatchObject({ status: 400, code: "unknown_parent" });
    expect(await refusal(units.create({ id: "huyen-a", name: "again" }))).toMatchObject({ status: 409, code: "unit_exists" });
  });

  it("moves and renames, but never under the unit itself or a unit below it (409), nor the root", async () => {
    const { repo } = fakeRepository();
    const units = createUnitService({ units: repo });
    await units.create({ id: "huyen-a", name: "A" });
    await units.create({ id: "xa-a1", name: "A1", parentId: "huyen-a" });
    await units.create({ id: "huyen-b", name: "B" });
    expect(await refusal(units.update("huyen-a", { parentId: "xa-a1" }))).toMatchObject({ status: 409, code: "cycle" });
    expect(await refusal(units.update("huyen-a", { parentId: "huyen-a" }))).toMatchObject({ status: 409, code: "cycle" });
    expect(await refusal(units.update("root", { parentId: "huyen-b" }))).toMatchObject({ status: 409, code: "root_unit" });
    expect(await refusal(units.update("gone", { name: "x" }))).toMatchObject({ status: 404 });
    expect(await units.update("xa-a1", { parentId: "huyen-b", name: "Công an xã B1" })).toEqual({ id: "xa-a1", name: "Công an xã B1", parentId: "huyen-b" });
    // The scopes follow at once: huyen-b now holds xa-a1, huyen-a no longer does.
    expect([...(await units.scopeFor({ role: "operator", unitId: "huyen-b" })).unitIds].sort()).toEqual(["huyen-b", "xa-a1"]);
    expect([...(await units.scopeFor({ role: "operator", unitId: "huyen-a" })).unitIds]).toEqual(["huyen-a"]);
  });

  it("removes only an empty unit; otherwise a 409 that says what is in it", async () => {
    const { repo, held } = fakeRepository();
    const units = createUnitService({ units: repo });
    await units.create({ id: "huyen-a", name: "A" });
    await units.create({ id: "xa-a1", name: "A1", parentId: "huyen-a" });
    held.set("xa-a1", { cameras: ["cam-7"], users: ["op.a1"], watchlistEntries: 2 });
    const withChild = await refusal(units.remove("huyen-a"));
    expect(withChild).toMatchObject({ status: 409, code: "unit_not_empty" });
    expect(withChild.message).toContain("1 unit(s) (xa-a1)");
    const full = await refusal(units.remove("xa-a1"));
    expect(full.message).toContain("1 camera(s) (cam-7)");
    expect(full.message).toContain("1 user(s) (op.a1)");
    expect(full.message).toContain("2 watchlist entries");
    expect(full.details).toMatchObject({ cameras: ["cam-7"], users: ["op.a1"] });
    expect(await refusal(units.remove("root"))).toMatchObject({ status: 409, code: "root_unit" });
    held.delete("xa-a1");
    await units.remove("xa-a1");
    await units.remove("huyen-a");
    expect((await units.tree()).units.map((u) => u.id)).toEqual(["root"]);
  });

  it("lists the units in a scope, tells listeners of each change, and re-reads a stale tree", async () => {
    const { repo, rows, reads } = fakeRepository();
    let clock = 0;
    const units = createUnitService({ units: repo, now: () => clock, maxAgeMs: 1_000 });
    const seen: number[] = [];
    units.onChanged((t) => seen.push(t.units.length));
    await units.create({ id: "huyen-a", name: "A" });
    await units.create({ id: "huyen-b", name: "B" });
    expect(seen).toEqual([2, 3]);
    const scope = await units.scopeFor({ role: "supervisor", unitId: "huyen-a" });
    expect((await units.list(scope)).map((u) => u.id)).toEqual(["huyen-a"]);
    // Another instance adds a unit: seen once the cached tree is older than maxAgeMs.
    rows.set("huyen-c", { id: "huyen-c", name: "C", parentId: "root" });
    const before = reads();
    expect((await units.tree()).has("huyen-c")).toBe(false);
    expect(reads()).toBe(before);
    clock += 1_001;
    expect((await units.tree()).has("huyen-c")).toBe(true);
    // exists() looks again at once for an id it does not know (made elsewhere a moment ago).
    rows.set("huyen-d", { id: "huyen-d", name: "D", parentId: "root" });
    expect(await units.exists("huyen-d")).toBe(true);
    expect(await units.exists("nowhere")).toBe(false);
  });
});
