import { describe, expect, it } from "vitest";
import { buildUnitTree, flattenTree, moveRefusal } from "./unit-tree.js";

// Province → two districts → a commune under the first.
const rows = [
  { id: "root", name: "Công an tỉnh", parentId: null },
  { id: "huyen-b", name: "Công an huyện B", parentId: "root" },
  { id: "huyen-a", name: "Công an huyện A", parentId: "root" },
  { id: "xa-a1", name: "Công an xã A1", parentId: "huyen-a" },
];

describe("unit tree", () => {
  const tree = buildUnitTree(rows);

  it("gives a unit's subtree: itself and everything below it", () => {
    expect([...tree.subtree("root")].sort()).toEqual(["huyen-a", "huyen-b", "root", "xa-a1"]);
    expect([...tree.subtree("huyen-a")].sort()).toEqual(["huyen-a", "xa-a1"]);
    expect([...tree.subtree("huyen-b")]).toEqual(["huyen-b"]);
    expect([...tree.subtree("xa-a1")]).toEqual(["xa-a1"]);
    expect(tree.subtree("nowhere").size).toBe(0);
  });

  it("knows the root and which unit contains which", () => {
    expect(tree.rootId).toBe("root");
    expect(tree.contains("huyen-a", "xa-a1")).toBe(true);
    expect(tree.contains("huyen-b", "xa-a1")).toBe(false);
    expect(tree.contains("xa-a1", "huyen-a")).toBe(false);
  });

  it("refuses moves that would make a cycle, move the root or name a missing parent", () => {
    expect(moveRefusal(tree, "huyen-a", "xa-a1")?.code).toBe("cycle");
    expect(moveRefusal(tree, "huyen-a", "huyen-a")?.code).toBe("cycle");
    expect(moveRefusal(tree, "root", "huyen-b")?.code).toBe("root_unit");
    expect(moveRefusal(tree, "xa-a1", "nowhere")?.code).toBe("unknown_parent");
    expect(moveRefusal(tree, "xa-a1", "huyen-b")).toBeNull();
    expect(moveRefusal(tree, "huyen-b", "huyen-a")).toBeNull();
  });

  it("flattens depth-first, children by name", () => {
    expect(flattenTree(tree).map(({ unit, depth }) => `${depth}:${unit.id}`)).toEqual(["0:root", "1:huyen-a", "2:xa-a1", "1:huyen-b"]);
  });

  it("flattens a scope below the root (a district's user's units) from its top units", () => {
    const district = buildUnitTree([
      { id: "xa-a1", name: "Công an xã A1", parentId: "huyen-a" },
      { id: "huyen-a", name: "Công an huyện A", parentId: "root" },
      { id: "xa-a2", name: "Công an xã A2", parentId: "huyen-a" },
    ]);
    expect(district.rootId).toBeNull();
    expect(flattenTree(district).map(({ unit, depth }) => `${depth}:${unit.id}`)).toEqual(["0:huyen-a", "1:xa-a1", "1:xa-a2"]);
  });

  it("does not loop on rows that form a cycle (written around the service)", () => {
    const looped = buildUnitTree([
      { id: "root", name: "R", parentId: null },
      { id: "a", name: "A", parentId: "b" },
      { id: "b", name: "B", parentId: "a" },
    ]);
    expect([...looped.subtree("a")].sort()).toEqual(["a", "b"]);
    expect(flattenTree(looped).map((x) => x.unit.id)).toEqual(["root"]);
  });
});
