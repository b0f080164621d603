import { describe, expect, it } from "vitest";
import { dayExpired, dayFolder, inProgressName, mediaCutoffDay, mediaUrl, selectForRemoval, type MediaCandidate } from "./media-retention.js";
import { partitionName, utcDayStart } from "../storage/partitions.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-05-10T13:45:00Z");

describe("media retention: which day folders", () => {
  it("keeps the cutoff day and later, like the plate-read partitions (90 days: 2026-02-09 onwards on 2026-05-10)", () => {
    expect(mediaCutoffDay(NOW, 90)).toBe("2026-02-09");
    expect(mediaCutoffDay(NOW, 1)).toBe("2026-05-09");
    // The partition of the day before the cutoff is the newest one applyRetention drops.
    const cutoffMs = utcDayStart(NOW) - 90 * DAY;
    expect(partitionName(cutoffMs - DAY)).toBe("plate_reads_p20260208");
    expect(dayExpired("2026-02-08", mediaCutoffDay(NOW, 90))).toBe(true);
    expect(dayExpired("2026-02-09", mediaCutoffDay(NOW, 90))).toBe(false);
    expect(dayExpired("2026-05-10", mediaCutoffDay(NOW, 90))).toBe(false);
    expect(dayExpired("2025-12-31", "2026-01-01")).toBe(true);
  });

  it("only real calendar days name a day folder", () => {
    expect(dayFolder("2026-01-31")).toBe("2026-01-31");
    expect(dayFolder("2024-02-29")).toBe("2024-02-29");
    for (const name of ["2026-02-30", "2026-13-01", "2026-1-31", "20260131", "2026-01-31x", "snap", "..", "2026-01-31/..", ""]) expect(dayFolder(name)).toBeNull();
  });

  it("never touches files still being written", () => {
    for (const name of ["e1.jpg.tmp", "clip.mp4.TMP", "x.download", "x.part", "x.partial", "x.crdownload", ".e1.jpg.Xa8f3", "e1.jpg~", "a.b.3f2a.tmp"]) expect(inProgressName(name)).toBe(true);
    for (const name of ["e1.jpg", "e1-crop.jpg", "e1-r2.jpg", "e1.mp4", "fire-1700000000-abc123.jpg", "tmp.jpg"]) expect(inProgressName(name)).toBe(false);
  });

  it("names files by their /media URL, as events and media_hashes do", () => {
    expect(mediaUrl("cam-1", "2026-01-31", "e1.jpg")).toBe("/media/cam-1/2026-01-31/e1.jpg");
  });
});

describe("media retention: which files", () => {
  const old = NOW - 100 * DAY;
  const f = (name: string, mtimeMs = old, bytes = 1000): MediaCandidate => ({ url: `/media/cam-1/2026-01-30/${name}`, bytes, mtimeMs });

  it("removes every file of an expired day except those an alert refers to and those just written", () => {
    const files = [f("read.jpg"), f("read-crop.jpg"), f("case.jpg"), f("case.mp4"), f("late.jpg", NOW - 60_000), f("settled.jpg", NOW - 2 * 3_600_000)];
    const s = selectForRemoval(files, new Set(["/media/cam-1/2026-01-30/case.jpg", "/media/cam-1/2026-01-30/case.mp4", "/media/other/2026-01-30/read.jpg"]), { nowMs: NOW, settleMs: 3_600_000 });
    expect(s.remove.map((c) => c.url.split("/").pop())).toEqual(["read.jpg", "read-crop.jpg", "settled.jpg"]);
    expect(s).toMatchObject({ keptForAlerts: 2, keptRecent: 1 });
  });

  it("an alert's file is kept however old it is, and nothing is selected from nothing", () => {
    expect(selectForRemoval([f("case.jpg", 0)], new Set([f("case.jpg").url]), { nowMs: NOW, settleMs: 0 })).toEqual({ remove: [], keptForAlerts: 1, keptRecent: 0 });
    expect(selectForRemoval([], new Set(), { nowMs: NOW, settleMs: 0 })).toEqual({ remove: [], keptForAlerts: 0, keptRecent: 0 });
  });
});
