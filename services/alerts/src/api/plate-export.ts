import { describePlate, isMediaUrlPath, toCsv, type PlateRead } from "@vigil/contracts";

/** Column headings of the plate export, in the language the console asks for. */
const HEADINGS = {
  vi: ["Thời gian (giờ VN)", "Biển số", "Biển số và tỉnh/thành", "Mã camera", "Camera", "Độ tin cậy", "Ảnh", "Ảnh biển số", "Mã bản ghi"],
  en: ["Time (Vietnam)", "Plate", "Plate and province", "Camera id", "Camera", "Confidence", "Snapshot", "Plate crop", "Read id"],
} as const;

/** Vietnam has kept UTC+7 without daylight saving since 1975: a fixed offset is exact. */
const VN_OFFSET_MS = 7 * 3_600_000;

/** "2026-12-03T19:05:09+07:00": Vietnam time that a spreadsheet and a script both read unambiguously. */
export function vietnamTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/**
 * The public origin media links start with: the configured PUBLIC_BASE_URL (a reverse proxy's
 * https://ops.example.vn/vigil), else the request's own protocol and host, which honour
 * X-Forwarded-Proto/-Host only when TRUST_PROXY trusts the sender. Null when the request's host is
 * not a host (a forged header): the links are left empty rather than pointing anywhere.
 */
export function mediaBaseUrl(configured: string | undefined, req: { protocol: string; host: string }): string | null {
  if (configured) return configured.replace(/\/+$/, "");
  try {
    const url = new URL(`${req.protocol}://${req.host}`);
    if (url.pathname !== "/" || url.search || url.username) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** An evidence path as an absolute URL; anything that is not one of our /media paths becomes empty. */
export function absoluteMediaUrl(base: string | null, path: string | null | undefined): string {
  return base && path && isMediaUrlPath(path) ? `${base}${path}` : "";
}

/**
 * The export as CSV (BOM, CRLF, formula cells neutralised by the shared CSV module): one row per read,
 * newest first, with the camera's name and absolute links to the snapshot and the plate crop, so the
 * file still leads to the evidence once it has left the console (a case file, an e-mail).
 */
export function plateExportCsv(items: readonly PlateRead[], o: { lang: "vi" | "en"; cameraName(id: string): string; mediaBase: string | null }): string {
  const plateAndProvince = (r: PlateRead) => {
    try {
      return describePlate(r.display || r.plate) || r.display;
    } catch {
      return r.display;
    }
  };
  const rows = items.map((r) => [
    vietnamTime(r.ts),
    r.display,
    plateAndProvince(r),
    r.cameraId,
    o.cameraName(r.cameraId),
    r.confidence.toFixed(3),
    absoluteMediaUrl(o.mediaBase, r.snapshot),
    absoluteMediaUrl(o.mediaBase, r.crop),
    r.id,
  ]);
  return toCsv(HEADINGS[o.lang], rows);
}

/** `vigil-plates-51F12345-20261203-1905.csv`: what was exported and when (Vietnam time). */
export function exportFilename(q: string | undefined, nowMs: number): string {
  const stamp = vietnamTime(new Date(nowMs).toISOString()).slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return `vigil-plates-${(q ?? "").replace(/[^A-Za-z0-9]/g, "") || "window"}-${stamp}.csv`;
}
