import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatClock, formatDateTime, formatInputDate, isoToVnInput, vnInputToIso } from "./time.js";

describe("Vietnam time", () => {
  it("shows instants in Asia/Ho_Chi_Minh whatever the machine's zone", () => {
    expect(formatClock("2026-11-23T23:30:05Z", "en")).toBe("06:30:05");
    expect(formatDateTime("2026-11-23T23:30:05Z", "en")).toBe("24/11/2026, 06:30:05");
    expect(formatDateTime("2026-11-23T23:30:05Z", "vi")).toContain("24/11/2026");
    expect(formatDateTime("2026-11-23T23:30:05Z", "vi")).toContain("06:30:05");
  });

  it("shows a dash for missing or broken values", () => {
    expect(formatDateTime(null, "vi")).toBe("—");
    expect(formatClock("not a time", "vi")).toBe("—");
  });

  it("reads form inputs as Vietnam time", () => {
    expect(vnInputToIso("2026-11-24T06:30")).toBe("2026-11-23T23:30:00.000Z");
    expect(vnInputToIso("2026-11-24T06:30:15")).toBe("2026-11-23T23:30:15.000Z");
    expect(vnInputToIso("24/11/2026")).toBeUndefined();
  });

  it("round-trips inputs", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const minute = Math.floor(ms / 60_000) * 60_000;
        expect(vnInputToIso(isoToVnInput(minute))).toBe(new Date(minute).toISOString());
      }),
    );
  });
});

describe("dates as the console writes them (dd/mm/yyyy)", () => {
  it("prints date and datetime-local input values day first", () => {
    expect(formatInputDate("2026-12-04")).toBe("04/12/2026");
    expect(formatInputDate("2026-12-04T06:30")).toBe("04/12/2026 06:30");
    expect(formatInputDate("")).toBe("");
    expect(formatInputDate("2026-12-04T06:30:15")).toBe("04/12/2026 06:30");
    expect(formatInputDate("04/12/2026")).toBe("");
    expect(formatInputDate("2026-12-04x")).toBe("");
  });

  it("prints instants day first in Vietnamese and in English", () => {
    expect(formatDateTime("2026-12-03T23:30:05Z", "vi")).toMatch(/(^|\s)04\/12\/2026($|\s)/);
    expect(formatDateTime("2026-12-03T23:30:05Z", "en")).toMatch(/^04\/12\/2026/);
  });
});
