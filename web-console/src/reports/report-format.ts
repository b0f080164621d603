import { t, type Lang } from "../i18n/index.js";

/**
 * A duration in seconds as a duty chief says it: "45 giây", "7 phút 30 giây", "1 giờ 5 phút"
 * ("45 s", "7 min 30 s", "1 h 5 min"); "—" for none. Under a minute keeps one decimal when there is one.
 */
export function durationText(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) {
    const s = Math.round(seconds * 10) / 10;
    return t("report.seconds", { s: new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1 }).format(s) }, lang);
  }
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return m > 0 ? t("report.hoursMinutes", { h, m }, lang) : t("report.hours", { h }, lang);
  return s > 0 ? t("report.minutesSeconds", { m, s }, lang) : t("report.minutes", { m }, lang);
}

/** A share (0..1) as a percentage, "33,3%" / "33.3%"; "—" when there is nothing to divide. */
export function shareText(share: number | null | undefined, lang: Lang): string {
  if (share === null || share === undefined) return "—";
  return new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(share);
}
