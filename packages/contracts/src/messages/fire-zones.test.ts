import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cameraConfigSchema, parseCamerasFile } from "./camera-config.js";
import { frameFireControls, frameHeaderSchema } from "./frame.js";
import { boxInsideZones, fireZoneSchema, isExcludedByFireZones, pointInPolygon, polygonArea, type ZonePolygon } from "./fire-zones.js";

const reasonOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? "" : z.prettifyError(r.error);
};

const square: [number, number][] = [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]];
// An L shape (concave): the square [0,0.5]² minus its top-right quarter.
const ell: ZonePolygon = [[0, 0], [0.5, 0], [0.5, 0.25], [0.25, 0.25], [0.25, 0.5], [0, 0.5]];

describe("fire zone schema", () => {
  it.each([
    ["a triangle", [[0, 0], [1, 0], [0, 1]]],
    ["a concave L", ell],
    ["clockwise points", [...square].reverse()],
    ["the whole image", [[0, 0], [1, 0], [1, 1], [0, 1]]],
  ])("accepts %s", (_what, zone) => {
    expect(fireZoneSchema.safeParse(zone).success).toBe(true);
  });

  it.each([
    ["2 points", [[0, 0], [1, 1]], "at least 3 points", ""],
    ["a coordinate of 1.2", [[0, 0], [1.2, 0], [0, 1]], "from 0 to 1", "[1][0]"],
    ["a negative coordinate", [[0, 0], [1, -0.1], [0, 1]], "from 0 to 1", "[1][1]"],
    ["NaN", [[0, 0], [Number.NaN, 0], [0, 1]], "finite number from 0 to 1", "[1][0]"],
    ["Infinity", [[0, 0], [Number.POSITIVE_INFINITY, 0], [0, 1]], "from 0 to 1", "[1][0]"],
    ["a point with 3 numbers", [[0, 0, 0], [1, 0], [0, 1]], "", "[0]"],
    ["points on one line", [[0, 0], [0.5, 0.5], [1, 1]], "no area: its points lie on one line", ""],
    ["a repeated point", [[0, 0], [1, 0], [1, 0], [0, 1]], "repeats a point: [1] and [2]", ""],
    ["a bow-tie", [[0, 0], [1, 1], [1, 0], [0, 1]], "crosses itself (a bow-tie): edge [0]→[1] meets edge [2]→[3]", ""],
    ["an edge folding back", [[0, 0], [0.6, 0], [0.3, 0], [0.3, 0.5]], "crosses itself", ""],
    ["a sliver", [[0, 0], [1, 0], [1, 0.0000001]], "too small", ""],
    ["65 points", Array.from({ length: 65 }, (_, i) => [0.5 + 0.4 * Math.cos((2 * Math.PI * i) / 65), 0.5 + 0.4 * Math.sin((2 * Math.PI * i) / 65)]), "at most 64 points", ""],
  ])("rejects %s with a readable message", (_what, zone, message, path) => {
    const reason = reasonOf(fireZoneSchema, zone);
    expect(reason).not.toBe("");
    if (message) expect(reason).toContain(message);
    if (path) expect(reason).toContain(`→ at ${path}`);
  });

  it("is part of the camera config, with the sensitivity", () => {
    const base = { id: "cam-1", name: "Cam 1", url: "rtsp://10.0.0.1/stream", lat: 10.7, lon: 106.7 };
    expect(cameraConfigSchema.parse({ ...base, fireZones: [square], fireSensitivity: "high" })).toMatchObject({ fireZones: [square], fireSensitivity: "high" });
    expect(reasonOf(cameraConfigSchema, { ...base, fireSensitivity: "max" })).toContain("→ at fireSensitivity");
    expect(reasonOf(cameraConfigSchema, { ...base, fireZones: [square, [[0, 0], [1, 1], [1, 0], [0, 1]]] })).toMatch(/crosses itself[\s\S]*→ at fireZones\[1\]/);
  });

  it("makes a cameras file fail at start-up naming the camera, the zone and the problem", () => {
    const cams = [
      { id: "ok", name: "OK", url: "/v.mp4", lat: 10, lon: 106, fireZones: [square] },
      { id: "lamp", name: "Lamp", url: "/v.mp4", lat: 10, lon: 106, fireZones: [[[0, 0], [1, 1]]] },
    ];
    expect(() => parseCamerasFile({ cameras: cams }, "cams.yml")).toThrow(/^cams\.yml: invalid cameras file:\n {2}- cameras\.1\.fireZones\.0: a fire zone needs at least 3 points$/);
    expect(parseCamerasFile(cams.slice(0, 1), "cams.yml")[0]!.fireZones).toEqual([square]);
  });
});

describe("pointInPolygon", () => {
  const zones = { square, ell };
  it.each([
    [[0.4, 0.4], "square", true],
    [[0.1, 0.4], "square", false],
    [[0.7, 0.7], "square", false],
    [[0.1, 0.1], "ell", true],
    [[0.1, 0.4], "ell", true],
    [[0.4, 0.1], "ell", true],
    [[0.4, 0.4], "ell", false], // the cut-out corner
    [[0.6, 0.1], "ell", false],
  ] as const)("%j in %s → %s", (point, name, inside) => {
    expect(pointInPolygon(point, zones[name])).toBe(inside);
    expect(pointInPolygon(point, [...zones[name]].reverse())).toBe(inside);
  });

  it("measures areas", () => {
    expect(polygonArea(square)).toBeCloseTo(0.16);
    expect(polygonArea(ell)).toBeCloseTo(0.1875);
  });
});

describe("boxInsideZones", () => {
  it("is 1 for a box inside a zone, 0 for one outside or without zones", () => {
    expect(boxInsideZones([0.3, 0.3, 0.1, 0.1], [square])).toBe(1);
    expect(boxInsideZones([0.7, 0.7, 0.2, 0.2], [square])).toBe(0);
    expect(boxInsideZones([0.3, 0.3, 0.1, 0.1], [])).toBe(0);
  });

  it("gives the covered fraction of a box that straddles a zone edge", () => {
    // Left half of the box inside the square, right half out.
    expect(boxInsideZones([0.5, 0.3, 0.2, 0.2], [square])).toBe(0.5);
    // A quarter: the box's top-left quadrant is inside.
    expect(boxInsideZones([0.5, 0.5, 0.2, 0.2], [square])).toBe(0.25);
    // The L covers three quarters of the box [0,0,0.5,0.5].
    expect(boxInsideZones([0, 0, 0.5, 0.5], [ell])).toBe(0.75);
  });

  it("counts the union of overlapping zones once", () => {
    const left: ZonePolygon = [[0, 0], [0.6, 0], [0.6, 1], [0, 1]];
    const right: ZonePolygon = [[0.4, 0], [1, 0], [1, 1], [0.4, 1]];
    expect(boxInsideZones([0, 0, 1, 1], [left, right])).toBe(1);
    expect(boxInsideZones([0.75, 0, 0.5, 1], [right])).toBe(0.5);
  });

  it("excludes a box at 50 % covered or more", () => {
    expect(isExcludedByFireZones([0.5, 0.3, 0.2, 0.2], [square])).toBe(true);
    expect(isExcludedByFireZones([0.5, 0.5, 0.2, 0.2], [square])).toBe(false);
    expect(isExcludedByFireZones([0.3, 0.3, 0.1, 0.1], [])).toBe(false);
  });
});

describe("frame header fire controls", () => {
  const cam = { analytics: ["plates", "fire"] as ("plates" | "fire")[] };

  it("are absent for the defaults and for cameras without fire analysis", () => {
    expect(frameFireControls(cam)).toBeUndefined();
    expect(frameFireControls({ ...cam, fireZones: [], fireSensitivity: "normal" })).toBeUndefined();
    expect(frameFireControls({ analytics: ["plates"], fireZones: [[...square]], fireSensitivity: "high" })).toBeUndefined();
  });

  it("carry zones and sensitivity otherwise, and validate in the header", () => {
    expect(frameFireControls({ ...cam, fireSensitivity: "low" })).toEqual({ zones: [], sensitivity: "low" });
    const fire = frameFireControls({ ...cam, fireZones: [[...square]] });
    expect(fire).toEqual({ zones: [square], sensitivity: "normal" });
    const header = { schemaVersion: 1, cameraId: "c", seq: 0, captureTs: 0, width: 4, height: 4, format: "jpeg", analytics: cam.analytics };
    expect(frameHeaderSchema.parse({ ...header, fire })).toEqual({ ...header, fire });
    expect(frameHeaderSchema.safeParse({ ...header, fire: { zones: [[[0, 0], [1, 1], [1, 0], [0, 1]]], sensitivity: "normal" } }).success).toBe(false);
  });
});
