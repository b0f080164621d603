import { describe, expect, it } from "vitest";
import type { NormalisedBox } from "@vigil/contracts";
import { PlateTracker } from "./plate-tracker.js";
import { votePlate, type VoteReading } from "./plate-vote.js";

const read = (plate: string, confidence = 0.8, valid = true): VoteReading => ({
  plate,
  rows: 2,
  valid,
  confidence,
  charConfidences: [...plate].map(() => confidence),
});

describe("votePlate", () => {
  it("votes per character across readings", () => {
    const v = votePlate([read("84B136217"), read("84B138217"), read("84B136217"), read("843136217", 0.4, false)]);
    expect(v).toMatchObject({ plate: "84B136217", support: 2 });
  });

  it("lets a confident character outweigh an unsure one", () => {
    const a = read("59X123456", 0.9);
    const b: VoteReading = { ...read("59X123458", 0.9), charConfidences: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.2] };
    expect(votePlate([a, b])?.plate).toBe("59X123456");
  });

  it("prefers the longer valid layout when the majority is it with a character dropped (30F-7325 × 16 vs 30F-732.55 × 8)", () => {
    const readings = [...Array.from({ length: 16 }, () => read("30F7325", 0.997)), ...Array.from({ length: 8 }, () => read("30F73255", 0.95))];
    expect(votePlate(readings)).toMatchObject({ plate: "30F73255", support: 8 });
  });

  it("keeps the majority length against a longer reading that is not its extension, or seen only once", () => {
    const other = [...Array.from({ length: 6 }, () => read("30F7325")), read("30F73255"), ...Array.from({ length: 3 }, () => read("51K12345"))];
    expect(votePlate(other)?.plate).toBe("30F7325"); // 51K12345 does not contain 30F7325; 30F73255 is a single read
    const few = [...Array.from({ length: 16 }, () => read("30F7325")), read("30F73255"), read("30F73255")];
    expect(votePlate(few)?.plate).toBe("30F7325"); // 2 of 18 readings: under the 30 % share
  });

  it("returns nothing without a valid reading", () => {
    expect(votePlate([read("ABC", 0.9, false)])).toBeUndefined();
  });
});

describe("PlateTracker", () => {
  const box = (x: number): NormalisedBox => [x, 0.5, 0.1, 0.1];

  it("reads a published track at once when its box only matched by centre distance (maybe the next vehicle)", () => {
    const tracker = new PlateTracker({ confidentSingle: 0.99, rereadEvery: 5 });
    let [u] = tracker.update("cam", [box(0.1)], 0);
    tracker.addReading(u!.track, read("51F12345"));
    [u] = tracker.update("cam", [box(0.1)], 100);
    expect(tracker.addReading(u!.track, read("51F12345"))).toBeDefined();
    [u] = tracker.update("cam", [box(0.1)], 200); // same place, overlapping: the periodic re-read decides
    expect(u!.needsRead).toBe(false);
    [u] = tracker.update("cam", [box(0.22)], 300); // no overlap, joined by centre distance only
    expect(u!.needsRead).toBe(true);
  });

  it("follows a moving plate and publishes once when two reads agree", () => {
    const tracker = new PlateTracker({ confidentSingle: 0.99 });
    let [u] = tracker.update("cam", [box(0.1)], 0);
    expect(u!.needsRead).toBe(true);
    expect(tracker.addReading(u!.track, read("51F12345"))).toBeUndefined();
    [u] = tracker.update("cam", [box(0.13)], 100);
    const decision = tracker.addReading(u!.track, read("51F12345"));
    expect(decision).toMatchObject({ revision: 0, vote: { plate: "51F12345" } });
    // Same track, same reading: no second event.
    [u] = tracker.update("cam", [box(0.16)], 200);
    expect(tracker.addReading(u!.track, read("51F12345"))).toBeUndefined();
    expect(tracker.activeTracks("cam")).toHaveLength(1);
  });

  it("publishes a single very confident reading at once", () => {
    const tracker = new PlateTracker();
    const [u] = tracker.update("cam", [box(0.1)], 0);
    expect(tracker.addReading(u!.track, read("51F12345", 0.97))?.revision).toBe(0);
  });

  it("revises under the same event id when a better reading takes over", () => {
    const tracker = new PlateTracker({ confidentSingle: 0.9, rereadEvery: 1 });
    let [u] = tracker.update("cam", [box(0.1)], 0);
    const first = tracker.addReading(u!.track, read("59X123458", 0.91));
    expect(first?.revision).toBe(0);
    for (let i = 1; i <= 3; i++) {
      [u] = tracker.update("cam", [box(0.1)], i * 100);
      const d = tracker.addReading(u!.track, read("59X123456", 0.95));
      if (d) {
        expect(d).toMatchObject({ revision: 1, vote: { plate: "59X123456" } });
        expect(d.track.eventId).toBe(first!.track.eventId);
        return;
      }
    }
    throw new Error("no revision published");
  });

  it("skips OCR of a published track except every n-th frame, and expires unseen tracks", () => {
    const tracker = new PlateTracker({ rereadEvery: 3, maxAgeMs: 1000 });
    let [u] = tracker.update("cam", [box(0.1)], 0);
    tracker.addReading(u!.track, read("51F12345", 0.97));
    const needs = [1, 2, 3, 4].map((i) => tracker.update("cam", [box(0.1)], i * 10)[0]!.needsRead);
    expect(needs).toEqual([false, true, false, false]);
    [u] = tracker.update("cam", [box(0.1)], 5000);
    expect(u!.track.published).toBeUndefined();
  });

  it("keeps two plates in one frame apart and cameras separate", () => {
    const tracker = new PlateTracker();
    const a = tracker.update("cam", [box(0.1), box(0.7)], 0);
    const b = tracker.update("cam", [box(0.72), box(0.12)], 100);
    expect(b[0]!.track.trackId).toBe(a[1]!.track.trackId);
    expect(b[1]!.track.trackId).toBe(a[0]!.track.trackId);
    expect(tracker.update("other", [box(0.1)], 100)[0]!.track.trackId).not.toBe(a[0]!.track.trackId);
  });
});

describe("PlateTracker, a queue of vehicles", () => {
  it("starts a new event when another vehicle's plate is read confidently where the last one stood", () => {
    const tracker = new PlateTracker({ rereadEvery: 1 });
    const b: NormalisedBox = [0.4, 0.5, 0.1, 0.1];
    let [u] = tracker.update("gate", [b], 0);
    const firstId = tracker.addReading(u!.track, read("51F12345", 0.97))!.track.eventId;
    [u] = tracker.update("gate", [b], 200);
    expect(tracker.addReading(u!.track, read("30A99988", 0.95))).toBeUndefined();
    [u] = tracker.update("gate", [b], 400);
    const second = tracker.addReading(u!.track, read("30A99988", 0.95));
    expect(second?.vote.plate).toBe("30A99988");
    expect(second?.revision).toBe(0);
    expect(second?.track.eventId).not.toBe(firstId);
  });

  it("splits at once on one confident different plate when the box jumped to a new spot", () => {
    const tracker = new PlateTracker({ rereadEvery: 1 });
    let [u] = tracker.update("gate", [[0.4, 0.5, 0.1, 0.1]], 0);
    const firstId = tracker.addReading(u!.track, read("51F12345", 0.97))!.track.eventId;
    [u] = tracker.update("gate", [[0.52, 0.5, 0.1, 0.1]], 200); // no overlap: joined by centre distance
    const second = tracker.addReading(u!.track, read("30A99988", 0.95));
    expect(second?.vote.plate).toBe("30A99988");
    expect(second?.track.eventId).not.toBe(firstId);
  });

  it("does not split on one stray reading", () => {
    const tracker = new PlateTracker({ rereadEvery: 1 });
    const b: NormalisedBox = [0.4, 0.5, 0.1, 0.1];
    let [u] = tracker.update("gate", [b], 0);
    const firstId = tracker.addReading(u!.track, read("51F12345", 0.97))!.track.eventId;
    [u] = tracker.update("gate", [b], 200);
    tracker.addReading(u!.track, read("30A99988", 0.95));
    [u] = tracker.update("gate", [b], 400);
    tracker.addReading(u!.track, read("51F12345", 0.95));
    expect(u!.track.eventId).toBe(firstId);
  });
});

describe("PlateTracker, re-identification", () => {
  it("continues the event of a lost track when the same plate is read again soon after", () => {
    const tracker = new PlateTracker({ maxAgeMs: 500, reidentifyMs: 5000 });
    let [u] = tracker.update("cam", [[0.1, 0.5, 0.05, 0.03]], 0);
    const firstId = tracker.addReading(u!.track, read("51F12345", 0.97))!.track.eventId;
    // Far away and after the track expired: a new track, but the same plate.
    [u] = tracker.update("cam", [[0.8, 0.2, 0.05, 0.03]], 1500);
    expect(u!.track.eventId).not.toBe(firstId);
    expect(tracker.addReading(u!.track, read("51F12345", 0.97))).toBeUndefined();
    expect(u!.track.eventId).toBe(firstId);
    // A different plate there is a different vehicle.
    [u] = tracker.update("cam", [[0.4, 0.4, 0.05, 0.03]], 1600);
    expect(tracker.addReading(u!.track, read("30A99988", 0.97))?.track.eventId).not.toBe(firstId);
  });
});

describe("PlateTracker, things that never read as a plate", () => {
  it("backs off to every n-th frame after a few unsettled reads", () => {
    const tracker = new PlateTracker({ maxUnsettledReads: 3, rereadEvery: 4 });
    const needs: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const [u] = tracker.update("cam", [[0.2, 0.2, 0.1, 0.05]], i * 100);
      needs.push(u!.needsRead);
      if (u!.needsRead) tracker.addReading(u!.track, read("ABC", 0.3, false));
    }
    expect(needs).toEqual([true, true, true, true, false, false, false, true]);
  });
});
