import type { Lang } from "../i18n/index.js";

/** Operators work in Vietnam time whatever the browser's zone is. */
export const VN_TIME_ZONE = "Asia/Ho_Chi_Minh";
/** Vietnam has kept UTC+7 without daylight saving since 1975, so form inputs convert with a fixed offset. */
const VN_OFFSET = "+07:00";

const locales: Record<Lang, string> = { vi: "vi-VN", en: "en-GB" };
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, kind: "datetime" | "time" | "date"): Intl.DateTimeFormat {
  const key = `${lang}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { timeZone: VN_TIME_ZONE, hour12: false };
    const opts: Intl.DateTimeFormatOptions =
      kind === "time"
        ? { ...base, hour: "2-digit", minute: "2-digit", second: "2-digit" }
        : kind === "date"
          ? { ...base, year: "numeric", month: "2-digit", day: "2-digit" }
          : { ...base, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" };
    f = new Intl.DateTimeFormat(locales[lang], opts);
    cache.set(key, f);
  }
  return f;
}

function toDate(value: string | number | Date | null | undefined): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "23/11/2026 13:05:09" in Vietnam time; "—" for missing or unparsable values. */
export function formatDateTime(value: string | number | Date | null | undefined, lang: Lang): string {
  const d = toDate(value);
  return d ? formatter(lang, "datetime").format(d) : "—";
}

/** "13:05:09" in Vietnam time. */
export function formatClock(value: string | number | Date | null | undefined, lang: Lang): string {
  const d = toDate(value);
  return d ? formatter(lang, "time").format(d) : "—";
}

/** A `datetime-local` input value ("2026-11-23T13:05"), read as Vietnam time, to an ISO UTC string. */
export function vnInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const d = new Date(`${withSeconds}${VN_OFFSET}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The inverse of `vnInputToIso`: an instant as a `datetime-local` value in Vietnam time. */
export function isoToVnInput(value: string | number | Date): string {
  const d = toDate(value);
  if (!d) return "";
  const shifted = new Date(d.getTime() + 7 * 3600_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * A date or `datetime-local` input's value as the console writes dates: "2026-12-04" → "04/12/2026",
 * "2026-12-04T06:30" → "04/12/2026 06:30" (day first in both languages: vi-VN and en-GB); "" when
 * the value is not one. Wall-clock text only, no time zone: the inputs are read as Vietnam time.
 */
export function formatInputDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/.exec(value);
  if (!m) return "";
  const [, y, mo, d, hh, mm] = m;
  return `${d}/${mo}/${y}${hh ? ` ${hh}:${mm}` : ""}`;
}
