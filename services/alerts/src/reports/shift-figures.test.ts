import { describe, expect, it } from "vitest";
import { figuresBy, percentile, shiftFigures, type ShiftAlert } from "./shift-figures.js";

const alert = (over: Partial<ShiftAlert> = {}): ShiftAlert => ({ type: "fire", severity: "critical", resolved: false, resolveReason: null, escalated: false, ackS: null, resolveS: null, ...over });

describe("percentile (PostgreSQL percentile_cont)", () => {
  it("interpolates between the nearest ranks", () => {
    // ranks 0..3 of [10, 20, 30, 40]: p50 at 1.5 → 25; p95 at 2.85 → 30 + 0.85·10.
    expect(percentile([40, 10, 30, 20], 0.5)).toBe(25);
    expect(percentile([40, 10, 30, 20], 0.95)).toBeCloseTo(38.5, 10);
    expect(percentile([10, 20, 30, 40], 0)).toBe(10);
    expect(percentile([10, 20, 30, 40], 1)).toBe(40);
  });
  it("is the value itself for one value, the middle one for an odd count, null for none", () => {
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([3, 1, 2], 0.5)).toBe(2);
    expect(percentile([], 0.5)).toBeNull();
  });
  it("does not reorder its input and refuses p outside 0..1", () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
    expect(() => percentile(values, 1.5)).toThrow(RangeError);
    expect(() => percentile(values, Number.NaN)).toThrow(RangeError);
  });
  it("matches a sort-and-pick by hand on 20 values: p95 lies between the 19th and 20th", () => {
    const values = Array.from({ length: 20 }, (_, i) => (i + 1) * 10); // 10..200
    // rank 0.95·19 = 18.05 → 190 + 0.05·10
    expect(percentile(values, 0.95)).toBeCloseTo(190.5, 10);
    expect(percentile(values, 0.5)).toBe(105);
  });
});

describe("shift figures", () => {
  it("counts raised, acknowledged, resolved, open, escalated and false alarms; durations over those that have them", () => {
    const f = shiftFigures([
      alert({ ackS: 30, resolved: true, resolveS: 300, resolveReason: "true_hit" }),
      alert({ ackS: 90, resolved: true, resolveS: 600, resolveReason: "false_alarm" }),
      alert({ ackS: 60 }),
      alert({ escalated: true }),
      alert({ resolved: true, resolveS: 120, resolveReason: "false_alarm" }), // resolved without an acknowledgement
    ]);
    expect(f).toEqual({
      raised: 5,
      acknowledged: 3,
      resolved: 3,
      open: 2,
      escalated: 1,
      falseAlarms: 2,
      ackP50S: 60,
      ackP95S: 87, // [30, 60, 90]: rank 1.9 → 60 + 0.9·30
      resolveP50S: 300,
      resolveP95S: 570, // [120, 300, 600]: rank 1.9 → 300 + 0.9·300
      falseAlarmShare: 2 / 3,
    });
  });
  it("has no durations or share when nothing was acknowledged or resolved", () => {
    expect(shiftFigures([])).toMatchObject({ raised: 0, ackP50S: null, ackP95S: null, resolveP50S: null, falseAlarmShare: null });
    expect(shiftFigures([alert(), alert({ ackS: 12.34 })])).toMatchObject({ raised: 2, open: 2, ackP50S: 12.3, resolveP50S: null, falseAlarmShare: null });
  });
  it("reads a duration a tick below zero (clocks of two instances) as zero, and rounds to tenths", () => {
    expect(shiftFigures([alert({ ackS: -0.004 }), alert({ ackS: 1.26 })])).toMatchObject({ ackP50S: 0.6, ackP95S: 1.2 });
  });
  it("a resolved alert of before resolution times were kept counts as resolved, without a duration", () => {
    expect(shiftFigures([alert({ resolved: true, resolveReason: "false_alarm" })])).toMatchObject({ resolved: 1, open: 0, falseAlarms: 1, falseAlarmShare: 1, resolveP50S: null });
  });
  it("groups by a key in the given order, leaving out empty groups", () => {
    const groups = figuresBy([alert({ type: "smoke" }), alert({ type: "fire" }), alert({ type: "smoke" })], ["watchlist_hit", "fire", "smoke"], (a) => a.type);
    expect(groups.map((g) => [g.key, g.raised])).toEqual([["fire", 1], ["smoke", 2]]);
  });
});
