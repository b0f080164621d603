import type { TrackPoint } from "@vigil/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupStops, orderTrack, seqLabel } from "./track.js";

let n = 0;
function point(ts: string, cameraId: string, lat: number | null = 10.77, lon: number | null = 106.7): TrackPoint {
  n++;
  return { ts, cameraId, cameraName: `Cam ${cameraId}`, lat, lon, eventId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` };
}

describe("orderTrack", () => {
  it("orders by time and numbers from 1", () => {
    const out = orderTrack([point("2026-11-23T06:05:00Z", "b"), point("2026-11-23T06:01:00Z", "a"), point("2026-11-23T06:09:00+07:00", "c")]);
    expect(out.map((s) => s.cameraId)).toEqual(["c", "a", "b"]);
    expect(out.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it("drops sightings at cameras without a position, and unparsable times", () => {
    const out = orderTrack([point("2026-11-23T06:00:00Z", "a", null, null), point("nonsense", "b"), point("2026-11-23T06:02:00Z", "c")]);
    expect(out.map((s) => s.cameraId)).toEqual(["c"]);
    expect(out[0]!.seq).toBe(1);
  });

  it("is sorted and stable for any input order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom("a", "b", "c")), { maxLength: 30 }), (spec) => {
        const pts = spec.map(([m, cam]) => point(new Date(Date.UTC(2026, 10, 23, 6, m)).toISOString(), cam));
        const out = orderTrack(pts);
        const inputIndex = new Map(pts.map((p, i) => [p.eventId, i]));
        expect(out).toHaveLength(pts.length);
        for (let i = 1; i < out.length; i++) {
          const prev = out[i - 1]!;
          const cur = out[i]!;
          const dt = Date.parse(cur.ts) - Date.parse(prev.ts);
          expect(dt).toBeGreaterThanOrEqual(0);
          if (dt === 0) expect(inputIndex.get(cur.eventId)!).toBeGreaterThan(inputIndex.get(prev.eventId)!);
        }
      }),
    );
  });
});

describe("groupStops", () => {
  it("merges consecutive sightings at one camera, not separate visits", () => {
    const stops = groupStops(
      orderTrack([
        point("2026-11-23T06:00:00Z", "a"),
        point("2026-11-23T06:01:00Z", "a"),
        point("2026-11-23T06:05:00Z", "b"),
        point("2026-11-23T06:09:00Z", "a"),
      ]),
    );
    expect(stops.map((s) => [s.cameraId, s.seqs])).toEqual([
      ["a", [1, 2]],
      ["b", [3]],
      ["a", [4]],
    ]);
    expect(stops[0]!.first).toBe("2026-11-23T06:00:00Z");
    expect(stops[0]!.last).toBe("2026-11-23T06:01:00Z");
  });
});

describe("seqLabel", () => {
  it("labels runs compactly", () => {
    expect(seqLabel([4])).toBe("4");
    expect(seqLabel([1, 2, 3])).toBe("1–3");
    expect(seqLabel([])).toBe("");
  });
});
