import { z } from "zod";
import { alertSeverity, alertType } from "../messages/alert.js";
import { isoTimestamp } from "../messages/common.js";
import { unitIdSchema } from "./units.js";

/**
 * `GET /api/v1/reports/shift` (#18 item 4): a unit's shift figures — what the chief of a duty shift
 * asks for. The window is [from, to) over the time each alert was raised, given either as `from`/`to`
 * or as a named shift of a day in Vietnam time (`date` + `shift`); neither: the shift running now.
 * `unitId` absent: the user's own unit. A unit's figures include the units below it.
 */
/** Longest window one report covers: a month of shifts, so the query stays bounded. */
export const SHIFT_REPORT_MAX_DAYS = 31;

/** Vietnam has kept UTC+7 without daylight saving since 1975: shifts are fixed offsets from UTC. */
const VN_OFFSET_MS = 7 * 3_600_000;
const HOUR_MS = 3_600_000;

/** The three eight-hour duty shifts of a police command day, by their hours in Vietnam time. */
export const shiftNameSchema = z.enum(["06-14", "14-22", "22-06"]);
export type ShiftName = z.infer<typeof shiftNameSchema>;
/** Start hour (Vietnam time) of each shift; the night shift of a day ends at 06:00 of the next. */
const SHIFT_START_HOUR: Record<ShiftName, number> = { "06-14": 6, "14-22": 14, "22-06": 22 };
const SHIFT_HOURS = 8;

/** A calendar day (Vietnam time), "2026-11-23". */
export const shiftDateSchema = z.iso.date();

/**
 * The window [from, to) of shift `shift` of day `date` in Vietnam time, as UTC instants. The night
 * shift "22-06" of 23/11 runs from 23/11 22:00 to 24/11 06:00.
 */
export function shiftWindow(date: string, shift: ShiftName): { from: string; to: string } {
  const dayStartUtc = Date.parse(`${date}T00:00:00.000Z`) - VN_OFFSET_MS;
  if (Number.isNaN(dayStartUtc)) throw new RangeError(`not a date: ${date}`);
  const from = dayStartUtc + SHIFT_START_HOUR[shift] * HOUR_MS;
  return { from: new Date(from).toISOString(), to: new Date(from + SHIFT_HOURS * HOUR_MS).toISOString() };
}

/** The named shift an instant falls in: between midnight and 06:00 that is the previous day's night shift. */
export function shiftAt(instant: number | string | Date): { date: string; shift: ShiftName } {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === "string" ? Date.parse(instant) : instant;
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  const local = new Date(ms + VN_OFFSET_MS);
  const hour = local.getUTCHours();
  if (hour < 6) return { date: new Date(ms + VN_OFFSET_MS - 86_400_000).toISOString().slice(0, 10), shift: "22-06" };
  return { date: local.toISOString().slice(0, 10), shift: hour < 14 ? "06-14" : hour < 22 ? "14-22" : "22-06" };
}

export const shiftReportQuerySchema = z
  .strictObject({
    unitId: unitIdSchema.optional(),
    from: isoTimestamp.optional(),
    to: isoTimestamp.optional(),
    date: shiftDateSchema.optional(),
    shift: shiftNameSchema.optional(),
  })
  .superRefine((q, ctx) => {
    const window = q.from !== undefined || q.to !== undefined;
    const named = q.date !== undefined || q.shift !== undefined;
    if (window && named) ctx.addIssue({ code: "custom", path: ["date"], message: "give either from/to or date/shift, not both" });
    if (named && (q.date === undefined || q.shift === undefined)) ctx.addIssue({ code: "custom", path: [q.date ? "shift" : "date"], message: "a named shift needs both date and shift" });
    if (window && (!q.from || !q.to)) ctx.addIssue({ code: "custom", path: [q.from ? "to" : "from"], message: "a time window needs both from and to" });
    if (q.from && q.to) {
      const span = Date.parse(q.to) - Date.parse(q.from);
      if (span <= 0) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to" });
      else if (span > SHIFT_REPORT_MAX_DAYS * 86_400_000) ctx.addIssue({ code: "custom", path: ["to"], message: `the window may span at most ${SHIFT_REPORT_MAX_DAYS} days` });
    }
  });
export type ShiftReportQuery = z.infer<typeof shiftReportQuerySchema>;

/** One row of figures; durations in seconds (one decimal), null where nothing was acknowledged / resolved. */
export const shiftFiguresSchema = z.object({
  raised: z.number().int().nonnegative(),
  /** Acknowledged by someone (the first acknowledgement). */
  acknowledged: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  /** Not resolved yet (new or acknowledged) when the report was made. */
  open: z.number().int().nonnegative(),
  /** Escalated to the parent unit: nobody acknowledged them within their severity's deadline. */
  escalated: z.number().int().nonnegative(),
  /** Resolved with reason false_alarm. */
  falseAlarms: z.number().int().nonnegative(),
  /** Raised → first acknowledgement, over the acknowledged alerts (percentiles interpolated like PostgreSQL's percentile_cont). */
  ackP50S: z.number().nonnegative().nullable(),
  ackP95S: z.number().nonnegative().nullable(),
  /** Raised → resolved, over the resolved alerts. */
  resolveP50S: z.number().nonnegative().nullable(),
  resolveP95S: z.number().nonnegative().nullable(),
  /** falseAlarms / resolved (0..1); null when nothing was resolved. */
  falseAlarmShare: z.number().min(0).max(1).nullable(),
});
export type ShiftFigures = z.infer<typeof shiftFiguresSchema>;

export const shiftReportResponseSchema = z.object({
  unitId: unitIdSchema,
  from: isoTimestamp,
  to: isoTimestamp,
  /** The named shift, when the window is one (asked for by date/shift, or the default: the shift running now). */
  shift: z.object({ date: shiftDateSchema, name: shiftNameSchema }).nullable(),
  totals: shiftFiguresSchema,
  /** Only the alert types raised in the window, in the alert type order. */
  byType: z.array(shiftFiguresSchema.extend({ type: alertType })),
  /** Only the severities raised in the window, most severe first. */
  bySeverity: z.array(shiftFiguresSchema.extend({ severity: alertSeverity })),
  /**
   * The units directly below, each with the units below it. An alert seen by two of them (a
   * watchlist entry of one read at a camera of the other) counts for both.
   */
  units: z.array(shiftFiguresSchema.extend({ unitId: unitIdSchema, name: z.string() })),
});
export type ShiftReportResponse = z.infer<typeof shiftReportResponseSchema>;
