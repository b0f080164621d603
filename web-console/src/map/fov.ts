/** Field-of-view cones: pure geometry, so it is unit-tested without a map. */

export type LatLon = [lat: number, lon: number];

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** The point `distanceM` away from `origin` along `bearingDeg` (0 = north, clockwise), on a sphere. */
export function destination(origin: LatLon, bearingDeg: number, distanceM: number): LatLon {
  const [lat, lon] = origin;
  const δ = distanceM / EARTH_RADIUS_M;
  const θ = rad(bearingDeg);
  const φ1 = rad(lat);
  const λ1 = rad(lon);
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
  const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
  return [deg(φ2), ((deg(λ2) + 540) % 360) - 180];
}

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dφ = rad(b[0] - a[0]);
  const dλ = rad(b[1] - a[1]);
  const s = Math.sin(dφ / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dλ / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Initial bearing from `a` to `b`, 0..360. */
export function bearingDeg(a: LatLon, b: LatLon): number {
  const φ1 = rad(a[0]);
  const φ2 = rad(b[0]);
  const dλ = rad(b[1] - a[1]);
  const y = Math.sin(dλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(dλ);
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

export interface FovOptions {
  heading: number;
  fovDeg: number;
  rangeM: number;
  /** Arc vertices; more is smoother. */
  segments?: number;
}

/**
 * The cone a camera sees: its position, then an arc of `rangeM` from heading−fov/2 to heading+fov/2.
 * A 360° camera gets a full circle (no apex). Returns null when the cone can't be drawn.
 */
export function fovCone(origin: LatLon, { heading, fovDeg, rangeM, segments = 16 }: FovOptions): LatLon[] | null {
  if (![heading, fovDeg, rangeM, origin[0], origin[1]].every(Number.isFinite) || fovDeg <= 0 || rangeM <= 0) return null;
  const fov = Math.min(fovDeg, 360);
  const steps = Math.max(2, Math.ceil((segments * fov) / 90));
  const start = heading - fov / 2;
  const arc: LatLon[] = [];
  const full = fov >= 360;
  for (let i = 0; i <= (full ? steps - 1 : steps); i++) arc.push(destination(origin, start + (fov * i) / steps, rangeM));
  return full ? arc : [origin, ...arc, origin];
}

/** Defaults for cameras whose config leaves out the view geometry. */
export const DEFAULT_FOV_DEG = 60;
export const DEFAULT_RANGE_M = 80;
