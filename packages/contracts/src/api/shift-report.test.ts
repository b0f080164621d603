import { describe, expect, it } from "vitest";
import { shiftAt, shiftReportQuerySchema, shiftWindow } from "./shift-report.js";

describe("named shifts in Vietnam time (UTC+7)", () => {
  it("puts each shift of a day at its hours: 06–14, 14–22, and 22–06 into the next day", () => {
    expect(shiftWindow("2026-11-23", "06-14")).toEqual({ from: "2026-11-22T23:00:00.000Z", to: "2026-11-23T07:00:00.000Z" });
    expect(shiftWindow("2026-11-23", "14-22")).toEqual({ from: "2026-11-23T07:00:00.000Z", to: "2026-11-23T15:00:00.000Z" });
    expect(shiftWindow("2026-11-23", "22-06")).toEqual({ from: "2026-11-23T15:00:00.000Z", to: "2026-11-23T23:00:00.000Z" });
  });

  it("joins the three shifts of a day end to end, and a day's night to the next day's morning", () => {
    expect(shiftWindow("2026-11-23", "06-14").to).toBe(shiftWindow("2026-11-23", "14-22").from);
    expect(shiftWindow("2026-11-23", "14-22").to).toBe(shiftWindow("2026-11-23", "22-06").from);
    expect(shiftWindow("2026-11-23", "22-06").to).toBe(shiftWindow("2026-11-24", "06-14").from);
    // Across a month's and a year's end.
    expect(shiftWindow("2026-12-31", "22-06")).toEqual({ from: "2026-12-31T15:00:00.000Z", to: "2026-12-31T23:00:00.000Z" });
    expect(shiftWindow("2027-01-01", "06-14").from).toBe("2026-12-31T23:00:00.000Z");
  });

  it("finds the shift an instant is in; after midnight and before 06:00 it is the previous day's night", () => {
    expect(shiftAt("2026-11-23T06:00:00+07:00")).toEqual({ date: "2026-11-23", shift: "06-14" });
    expect(shiftAt("2026-11-23T13:59:59.999+07:00")).toEqual({ date: "2026-11-23", shift: "06-14" });
    expect(shiftAt("2026-11-23T14:00:00+07:00")).toEqual({ date: "2026-11-23", shift: "14-22" });
    expect(shiftAt("2026-11-23T22:00:00+07:00")).toEqual({ date: "2026-11-23", shift: "22-06" });
    expect(shiftAt("2026-11-24T00:30:00+07:00")).toEqual({ date: "2026-11-23", shift: "22-06" });
    expect(shiftAt("2026-11-24T05:59:59+07:00")).toEqual({ date: "2026-11-23", shift: "22-06" });
    expect(shiftAt("2027-01-01T03:00:00+07:00")).toEqual({ date: "2026-12-31", shift: "22-06" });
    // The same instant written in UTC.
    expect(shiftAt(Date.parse("2026-11-23T20:00:00Z"))).toEqual({ date: "2026-11-23", shift: "22-06" });
  });

  it("gives back for every hour of a day the shift whose window holds it", () => {
    for (let hour = 0; hour < 24; hour++) {
      const instant = Date.parse(`2026-11-23T${String(hour).padStart(2, "0")}:30:00+07:00`);
      const { date, shift } = shiftAt(instant);
      const w = shiftWindow(date, shift);
      expect(Date.parse(w.from) <= instant && instant < Date.parse(w.to), `${hour}:30 in ${date} ${shift}`).toBe(true);
    }
  });

  it("refuses a date that is not one", () => {
    expect(() => shiftWindow("2026-13-01", "06-14")).toThrow(RangeError);
  });
});

describe("shift report query", () => {
  const ok = (q: Record<string, string>) => shiftReportQuerySchema.safeParse(q).success;
  it("takes a window, a named shift, or neither", () => {
    expect(ok({})).toBe(true);
    expect(ok({ date: "2026-11-23", shift: "22-06", unitId: "huyen-a" })).toBe(true);
    expect(ok({ from: "2026-11-23T06:00:00+07:00", to: "2026-11-23T14:00:00+07:00" })).toBe(true);
  });
  it("refuses half a window or shift, both at once, a reversed or over-long window, unknown shifts and fields", () => {
    expect(ok({ date: "2026-11-23" })).toBe(false);
    expect(ok({ shift: "06-14" })).toBe(false);
    expect(ok({ from: "2026-11-23T06:00:00+07:00" })).toBe(false);
    expect(ok({ from: "2026-11-23T06:00:00+07:00", to: "2026-11-23T14:00:00+07:00", date: "2026-11-23", shift: "06-14" })).toBe(false);
    expect(ok({ from: "2026-11-23T14:00:00+07:00", to: "2026-11-23T06:00:00+07:00" })).toBe(false);
    expect(ok({ from: "2026-10-01T00:00:00Z", to: "2026-11-02T00:00:00Z" })).toBe(false);
    expect(ok({ date: "2026-11-23", shift: "08-16" })).toBe(false);
    expect(ok({ date: "23/11/2026", shift: "06-14" })).toBe(false);
    expect(ok({ limit: "5" })).toBe(false);
  });
});
