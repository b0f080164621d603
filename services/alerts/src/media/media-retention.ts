import { MEDIA_URL_PREFIX } from "@vigil/contracts";

/**
 * Media retention's decisions, without the disk or the database (media-retention-job.ts does those).
 * Evidence lies at `<MEDIA_DIR>/<cameraId>/<yyyy-mm-dd>/<file>` (inference's snapshots and crops,
 * ingest's clips), the day being the event's UTC day: a whole day folder is judged by its name.
 */
export const DAY_MS = 86_400_000;

/**
 * The first UTC day whose files are kept (`yyyy-mm-dd`): the same cut as the plate-read partitions
 * (partitions.ts applyRetention), so a day's pictures go with that day's reads when both keep as long.
 */
export function mediaCutoffDay(nowMs: number, retentionDays: number): string {
  return new Date(Math.floor(nowMs / DAY_MS) * DAY_MS - retentionDays * DAY_MS).toISOString().slice(0, 10);
}

/** A day folder's name (`2026-01-31`, a real calendar day), else null: nothing else is retention's. */
export function dayFolder(name: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(name);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === name ? name : null;
}

/** The folder's whole day lies before the cutoff (ISO days compare as strings). Newer folders are never opened. */
export function dayExpired(day: string, cutoffDay: string): boolean {
  return day < cutoffDay;
}

/**
 * A file some writer is still producing or has left half-done: `*.tmp` (write-all-or-none, clip cutter,
 * fire feedback), download/partial names, editors' and rsync's hidden or backup names. Never deleted.
 */
export function inProgressName(name: string): boolean {
  return name.startsWith(".") || name.endsWith("~") || /\.(tmp|temp|download|part|partial|crdownload)$/i.test(name);
}

/** The `/media/…` URL of a file of a day folder, as events, alerts and media_hashes name it. */
export function mediaUrl(cameraDir: string, day: string, name: string): string {
  return `${MEDIA_URL_PREFIX}${cameraDir}/${day}/${name}`;
}

export interface MediaCandidate {
  /** `/media/…` */
  url: string;
  bytes: number;
  mtimeMs: number;
}

export interface MediaSelection {
  remove: MediaCandidate[];
  /** Referenced by an alert that still exists: a case keeps its evidence. */
  keptForAlerts: number;
  /** Changed within the settle time: a late write into an old day, whose hash may not be recorded yet. */
  keptRecent: number;
}

/**
 * Of the regular files in an expired day folder, those to delete: all but the ones an alert refers to
 * and the ones modified within `settleMs` of now.
 */
export function selectForRemoval(files: readonly MediaCandidate[], inUse: ReadonlySet<string>, o: { nowMs: number; settleMs: number }): MediaSelection {
  const out: MediaSelection = { remove: [], keptForAlerts: 0, keptRecent: 0 };
  for (const f of files) {
    if (inUse.has(f.url)) out.keptForAlerts++;
    else if (f.mtimeMs > o.nowMs - o.settleMs) out.keptRecent++;
    else out.remove.push(f);
  }
  return out;
}
