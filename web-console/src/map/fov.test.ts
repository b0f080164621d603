import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bearingDeg, destination, distanceM, fovCone, type LatLon } from "./fov.js";

const SAIGON: LatLon = [10.776, 106.7];
const angleDiff = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);

describe("destination / distance / bearing", () => {
  it("moves north by the expected latitude", () => {
    const p = destination(SAIGON, 0, 1000);
    expect(p[1]).toBeCloseTo(SAIGON[1], 9);
    expect(p[0] - SAIGON[0]).toBeCloseTo(1000 / 111_195, 5);
  });

  it("is consistent with distance and bearing", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 359.999, noNaN: true }), fc.double({ min: 1, max: 5000, noNaN: true }), (brg, d) => {
        const p = destination(SAIGON, brg, d);
        expect(distanceM(SAIGON, p)).toBeCloseTo(d, 3);
        expect(angleDiff(bearingDeg(SAIGON, p), brg)).toBeLessThan(1e-6);
      }),
    );
  });
});

describe("fovCone", () => {
  it("starts and ends at the camera, with the arc at the range inside the field of view", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: 1, max: 359, noNaN: true }),
        fc.double({ min: 5, max: 5000, noNaN: true }),
        (heading, fovDeg, rangeM) => {
          const cone = fovCone(SAIGON, { heading, fovDeg, rangeM })!;
          expect(cone[0]).toEqual(SAIGON);
          expect(cone[cone.length - 1]).toEqual(SAIGON);
          const arc = cone.slice(1, -1);
          expect(arc.length).toBeGreaterThanOrEqual(3);
          for (const p of arc) {
            expect(distanceM(SAIGON, p)).toBeCloseTo(rangeM, 2);
            expect(angleDiff(bearingDeg(SAIGON, p), heading)).toBeLessThanOrEqual(fovDeg / 2 + 1e-6);
          }
          // The arc's ends are the edges of the field of view.
          expect(angleDiff(bearingDeg(SAIGON, arc[0]!), heading - fovDeg / 2)).toBeLessThan(1e-6);
          expect(angleDiff(bearingDeg(SAIGON, arc[arc.length - 1]!), heading + fovDeg / 2)).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it("wraps across north (heading 350°, 60° wide covers 320°..20°)", () => {
    const arc = fovCone(SAIGON, { heading: 350, fovDeg: 60, rangeM: 100 })!.slice(1, -1);
    const bearings = arc.map((p) => bearingDeg(SAIGON, p));
    expect(bearings.some((b) => b < 20 && b >= 0)).toBe(true);
    expect(bearings.some((b) => b > 320)).toBe(true);
    expect(bearings.every((b) => b >= 319.999 || b <= 20.001)).toBe(true);
  });

  it("is a circle without an apex for a 360° camera", () => {
    const ring = fovCone(SAIGON, { heading: 0, fovDeg: 360, rangeM: 50 })!;
    expect(ring.every((p) => Math.abs(distanceM(SAIGON, p) - 50) < 0.01)).toBe(true);
  });

  it("is more detailed for wider cones", () => {
    const narrow = fovCone(SAIGON, { heading: 90, fovDeg: 30, rangeM: 50 })!;
    const wide = fovCone(SAIGON, { heading: 90, fovDeg: 180, rangeM: 50 })!;
    expect(wide.length).toBeGreaterThan(narrow.length);
  });

  it("refuses nonsense instead of drawing garbage", () => {
    expect(fovCone(SAIGON, { heading: 0, fovDeg: 0, rangeM: 50 })).toBeNull();
    expect(fovCone(SAIGON, { heading: 0, fovDeg: 60, rangeM: -1 })).toBeNull();
    expect(fovCone(SAIGON, { heading: Number.NaN, fovDeg: 60, rangeM: 50 })).toBeNull();
    expect(fovCone([Number.NaN, 106], { heading: 0, fovDeg: 60, rangeM: 50 })).toBeNull();
  });
});
