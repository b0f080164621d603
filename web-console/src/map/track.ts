import type { TrackPoint } from "@vigil/contracts";

/** A sighting ready to draw: it has a position and its number in time order (1-based). */
export interface OrderedSighting extends TrackPoint {
  lat: number;
  lon: number;
  seq: number;
}

/**
 * Orders sightings by time (ties keep the server's order) and drops those whose camera has no
 * position. Numbering follows time order, so "1" is always where the vehicle was first seen.
 */
export function orderTrack(points: readonly TrackPoint[]): OrderedSighting[] {
  return points
    .map((p, i) => ({ p, i, t: Date.parse(p.ts) }))
    .filter(({ p, t }) => Number.isFinite(t) && isFiniteCoord(p.lat) && isFiniteCoord(p.lon))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ p }, idx) => ({ ...p, lat: p.lat as number, lon: p.lon as number, seq: idx + 1 }));
}

function isFiniteCoord(v: number | null): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * Consecutive sightings at the same camera are one stop on the map: the marker shows every
 * number and the first/last time, so a car idling in front of one camera doesn't hide the route.
 */
export interface TrackStop {
  cameraId: string;
  cameraName: string | null;
  lat: number;
  lon: number;
  seqs: number[];
  first: string;
  last: string;
}

export function groupStops(sightings: readonly OrderedSighting[]): TrackStop[] {
  const stops: TrackStop[] = [];
  for (const s of sightings) {
    const prev = stops[stops.length - 1];
    if (prev && prev.cameraId === s.cameraId) {
      prev.seqs.push(s.seq);
      prev.last = s.ts;
    } else {
      stops.push({ cameraId: s.cameraId, cameraName: s.cameraName, lat: s.lat, lon: s.lon, seqs: [s.seq], first: s.ts, last: s.ts });
    }
  }
  return stops;
}

/** "1", "1–3" or "1, 4" style label for a stop's sequence numbers. */
export function seqLabel(seqs: readonly number[]): string {
  if (seqs.length === 0) return "";
  const first = seqs[0] as number;
  const last = seqs[seqs.length - 1] as number;
  if (seqs.length === 1) return String(first);
  return last - first === seqs.length - 1 ? `${first}–${last}` : seqs.join(", ");
}
