import { describe, expect, it } from "vitest";
import { partitionName, utcDayStart } from "./partitions.js";
import { decodeCursor, encodeCursor, latestRevisions } from "./plate-reads-repository.js";
import { safeMediaPath } from "../evidence/media-path.js";
import type { PlateEvent } from "@vigil/contracts";

describe("partition naming", () => {
  it("names the UTC day", () => {
    const t = Date.parse("2026-03-09T23:59:59.999Z");
    expect(partitionName(utcDayStart(t))).toBe("plate_reads_p20260309");
    expect(partitionName(utcDayStart(t + 1))).toBe("plate_reads_p20260310");
  });
});

describe("search cursor", () => {
  it("round-trips and rejects garbage", () => {
    const id = crypto.randomUUID();
    expect(decodeCursor(encodeCursor("2026-01-01T00:00:00.000Z", id))).toEqual({ ts: "2026-01-01T00:00:00.000Z", id });
    expect(decodeCursor("bm90LWEtY3Vyc29y")).toBeNull();
    expect(decodeCursor("")).toBeNull();
  });
});

describe("revisions in one batch", () => {
  it("keeps the highest revision per event id", () => {
    const base = { schemaVersion: 1, cameraId: "c", ts: "2026-01-01T00:00:00Z", plate: "51F12345", display: "51F-123.45", rows: 1, confidence: 0.9, bbox: [0, 0, 0.1, 0.1], frames: 3 } as const;
    const a = { ...base, id: crypto.randomUUID() };
    const events = [
      { ...a, revision: 1, plate: "51F12346" },
      { ...a, revision: 3, plate: "51F12345" },
      { ...a, revision: 2, plate: "51F12347" },
      { ...base, id: crypto.randomUUID() },
    ] as PlateEvent[];
    const out = latestRevisions(events);
    expect(out).toHaveLength(2);
    expect(out.find((e) => e.id === a.id)?.plate).toBe("51F12345");
  });

  it("keeps the first copy of a revision, and ignores a revision from another camera", () => {
    const base = { schemaVersion: 1, cameraId: "c", ts: "2026-01-01T00:00:00Z", plate: "51F12345", display: "51F-123.45", rows: 1, confidence: 0.9, bbox: [0, 0, 0.1, 0.1], frames: 3 } as const;
    const id = crypto.randomUUID();
    const out = latestRevisions([
      { ...base, id },
      { ...base, id, plate: "99Z99999", display: "99Z-999.99" }, // re-sent id + ts: not an overwrite
      { ...base, id, cameraId: "other", revision: 5, plate: "99Z99998", display: "99Z-999.98" },
    ] as PlateEvent[]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ plate: "51F12345", cameraId: "c" });
  });
});

describe("media paths", () => {
  it.each([
    ["snap/cam-1/a.jpg", "/srv/media/snap/cam-1/a.jpg"],
    ["a.jpg", "/srv/media/a.jpg"],
    ["../etc/passwd", null],
    ["snap/../../etc/passwd", null],
    ["/etc/passwd", "/srv/media/etc/passwd"],
    ["", null],
    ["a\0.jpg", null],
  ])("%s → %s", (req, expected) => expect(safeMediaPath("/srv/media", req)).toBe(expected));
});
