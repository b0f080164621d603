import { z } from "zod";

/**
 * Per-camera fire/smoke controls, as NVRs offer them: exclusion zones (a neon sign, a street lamp,
 * a kitchen chimney) where fire and smoke are never reported, and a sensitivity. Zones are in
 * normalised image coordinates, so they stay right when the stream's resolution changes.
 */

export const FIRE_ZONE_MAX_POINTS = 64;
export const FIRE_ZONES_MAX = 32;
/** A detection whose box lies at least this much inside the zones is dropped. */
export const FIRE_ZONE_EXCLUDE_FRACTION = 0.5;
/** Smallest zone area (fraction of the image) that counts as a zone and not a line. */
const MIN_ZONE_AREA = 1e-6;

export type ZonePoint = readonly [number, number];
/** A polygon as a list of points in order around it (either direction); closing edge implied. */
export type ZonePolygon = ReadonlyArray<ZonePoint>;
/** [x, y, w, h] as fractions of the frame (same as `normalisedBox`). */
export type ZoneBox = readonly [number, number, number, number];

const zoneCoordinate = z
  .number({ error: "a fire zone coordinate must be a finite number from 0 to 1 (a fraction of the image width or height)" })
  .min(0, "a fire zone coordinate must be from 0 to 1 (a fraction of the image width or height)")
  .max(1, "a fire zone coordinate must be from 0 to 1 (a fraction of the image width or height)");

export const fireZonePointSchema = z.tuple([zoneCoordinate, zoneCoordinate], { error: "a fire zone point must be [x, y]" });

/** One exclusion zone: 3..64 points, non-zero area, edges that do not cross. */
export const fireZoneSchema = z
  .array(fireZonePointSchema)
  .min(3, "a fire zone needs at least 3 points")
  .max(FIRE_ZONE_MAX_POINTS, `a fire zone has at most ${FIRE_ZONE_MAX_POINTS} points`)
  .superRefine((points, ctx) => {
    // The count checks already spoke; a shape check on 2 points would only add noise.
    if (points.length < 3 || points.length > FIRE_ZONE_MAX_POINTS) return;
    const problem = polygonProblem(points);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe("exclusion zone: list of [x, y] points, each 0..1 of the image, in order around the zone");
export type FireZone = z.infer<typeof fireZoneSchema>;

export const fireZonesSchema = z.array(fireZoneSchema).max(FIRE_ZONES_MAX, `at most ${FIRE_ZONES_MAX} fire zones per camera`);

export const fireSensitivity = z.enum(["low", "normal", "high"]);
export type FireSensitivity = z.infer<typeof fireSensitivity>;
export const DEFAULT_FIRE_SENSITIVITY: FireSensitivity = "normal";

/** Twice the signed area (shoelace); positive when the points run counter-clockwise in x-right/y-up axes. */
function doubleSignedArea(points: ZonePolygon): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

export function polygonArea(points: ZonePolygon): number {
  return Math.abs(doubleSignedArea(points)) / 2;
}

const cross = (o: ZonePoint, a: ZonePoint, b: ZonePoint) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const onSegment = (p: ZonePoint, a: ZonePoint, b: ZonePoint) =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);

/** Whether segments ab and cd share any point (touching and collinear overlap included). */
function segmentsMeet(a: ZonePoint, b: ZonePoint, c: ZonePoint, d: ZonePoint): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 === 0 && onSegment(a, c, d)) || (d2 === 0 && onSegment(b, c, d)) || (d3 === 0 && onSegment(c, a, b)) || (d4 === 0 && onSegment(d, a, b));
}

/**
 * Why `points` is not a usable zone, or null. Indices in the messages are the list positions
 * ([0] is the first point), the same as the error's path.
 */
export function polygonProblem(points: ZonePolygon): string | null {
  const n = points.length;
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % n]!;
    if (a[0] === b[0] && a[1] === b[1]) return `fire zone repeats a point: [${i}] and [${(i + 1) % n}] are the same`;
  }
  if (n >= 3 && points.every((p) => Math.abs(cross(points[0]!, points[1]!, p)) < 1e-12)) return "fire zone has no area: its points lie on one line";
  const crossing = findCrossing(points);
  if (crossing) {
    const [i, j] = crossing;
    return `fire zone crosses itself (a bow-tie): edge [${i}]→[${(i + 1) % n}] meets edge [${j}]→[${(j + 1) % n}]; list the points in order around the zone`;
  }
  if (polygonArea(points) < MIN_ZONE_AREA) return `fire zone is too small: its area is under ${MIN_ZONE_AREA} of the image`;
  return null;
}

/** The first pair of edges (by start index) that meet other than at their shared corner, or null. */
function findCrossing(points: ZonePolygon): [number, number] | null {
  const n = points.length;
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      const c = points[j]!;
      const d = points[(j + 1) % n]!;
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      // Neighbouring edges share a corner; they only overlap when one turns straight back along the other.
      const meets = adjacent ? cross(a, b, j === i + 1 ? d : c) === 0 && (b[0] - a[0]) * (d[0] - c[0]) + (b[1] - a[1]) * (d[1] - c[1]) < 0 : segmentsMeet(a, b, c, d);
      if (meets) return [i, j];
    }
  }
  return null;
}

/** Even-odd ray casting; points exactly on an edge may fall either way, which does not matter for sampling. */
export function pointInPolygon(point: ZonePoint, polygon: ZonePolygon): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const GRID = 8;

/**
 * Fraction (0..1) of `bbox` covered by the union of `zones`, estimated on an 8×8 grid of cell
 * centres (1/64 resolution, ~64 × points tests: cheap enough for every detection of every frame).
 */
export function boxInsideZones(bbox: ZoneBox, zones: ReadonlyArray<ZonePolygon>): number {
  if (zones.length === 0) return 0;
  const [x, y, w, h] = bbox;
  let inside = 0;
  for (let row = 0; row < GRID; row++) {
    const py = y + ((row + 0.5) * h) / GRID;
    for (let col = 0; col < GRID; col++) {
      const p: ZonePoint = [x + ((col + 0.5) * w) / GRID, py];
      if (zones.some((zone) => pointInPolygon(p, zone))) inside++;
    }
  }
  return inside / (GRID * GRID);
}

/** The inference rule: drop a fire/smoke box that lies mostly (≥ 50 %) inside the camera's exclusion zones. */
export function isExcludedByFireZones(bbox: ZoneBox, zones: ReadonlyArray<ZonePolygon>): boolean {
  return zones.length > 0 && boxInsideZones(bbox, zones) >= FIRE_ZONE_EXCLUDE_FRACTION;
}
