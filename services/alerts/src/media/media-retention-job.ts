import type { Dirent } from "node:fs";
import { lstat, readdir, realpath, rmdir, unlink } from "node:fs/promises";
import { join, sep } from "node:path";
import type { Logger } from "@vigil/contracts/node";
import type { AlertsMetrics } from "../metrics.js";
import type { AuditRepository } from "../storage/audit-repository.js";
import type { Database } from "../storage/database.js";
import type { MediaHashesRepository, StoredMediaHash } from "../storage/media-hashes-repository.js";
import { dayExpired, dayFolder, inProgressName, mediaCutoffDay, mediaUrl, selectForRemoval, type MediaCandidate, type MediaSelection } from "./media-retention.js";

/** Arbitrary but fixed: of several alert-service instances on one database, one walks the media at a time. */
const MEDIA_RETENTION_LOCK_KEY = 0x56_49_47_33; // "VIG3"

export type MediaRetentionStage = "walk" | "database" | "unlink" | "audit" | "run";

export interface MediaRetentionDeps {
  db: Pick<Database, "tryWithAdvisoryLock">;
  mediaDir: string;
  /** MEDIA_RETENTION_DAYS: day folders wholly before today − this many days are emptied. */
  retentionDays: number;
  hashes: Pick<MediaHashesRepository, "remove" | "restore">;
  /** Which of these `/media/…` paths an existing alert refers to (alerts-repository mediaInUse). */
  inUse(paths: readonly string[]): Promise<Set<string>>;
  audit: Pick<AuditRepository, "write">;
  metrics?: Pick<AlertsMetrics, "mediaRetentionFiles" | "mediaRetentionBytes" | "mediaRetentionErrors" | "mediaRetentionRuns">;
  logger: Logger;
  now?: () => number;
  /** Files modified this recently are left for the next run (a late write; its hash may not be recorded yet). Default 1 h. */
  settleMs?: number;
  /** Files looked up and deleted together (one alerts lookup, one media_hashes statement). Default 500. */
  batchSize?: number;
  /** Defaults to `fs.promises.unlink`; tests pass one that fails, as a read-only file system does. */
  unlinkFile?: (file: string) => Promise<void>;
}

export interface MediaRetentionResult {
  /** False: another instance held the lock (it is doing this run). */
  ran: boolean;
  /** The first UTC day kept, `yyyy-mm-dd`. */
  cutoffDay: string;
  files: number;
  bytes: number;
  /** Empty day folders removed. */
  folders: number;
  keptForAlerts: number;
  keptRecent: number;
  errors: number;
  /** Stopped early (the service is closing); what it removed so far is counted and audited. */
  aborted: boolean;
}

const gone = (err: unknown) => ["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "");

/**
 * Media retention (MEDIA_RETENTION_DAYS): deletes the evidence files of day folders older than the
 * cutoff — `<MEDIA_DIR>/<cameraId>/<yyyy-mm-dd>/…`, judged by the folder's name, so newer folders are
 * never listed — except those an existing alert refers to, files still being written (temporary
 * names) and files changed within the settle time. Each deleted file's media_hashes row goes first,
 * in the same pass (put back if the file cannot be deleted), so `npm run verify` never reports
 * retention as missing evidence. Symbolic links are never followed or deleted, and nothing outside
 * that layout is touched. Emptied day folders are removed. A run that removed anything writes one
 * `media.retention` audit row (files, bytes, cutoff) into the hash chain. Errors are logged and
 * counted; a run never throws for a single file or folder.
 */
export function createMediaRetention(deps: MediaRetentionDeps) {
  const now = deps.now ?? Date.now;
  const settleMs = deps.settleMs ?? 3_600_000;
  const batchSize = deps.batchSize ?? 500;
  const unlinkFile = deps.unlinkFile ?? unlink;
  const log = deps.logger;

  async function walk(root: string, cutoffDay: string, result: MediaRetentionResult, signal?: AbortSignal): Promise<void> {
    const failed = (stage: MediaRetentionStage, err: unknown, at: Record<string, unknown>, message: string) => {
      result.errors++;
      deps.metrics?.mediaRetentionErrors.inc({ stage });
      log.warn({ err, ...at }, message);
    };
    const list = async (dir: string): Promise<Dirent[]> => {
      try {
        return await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (!gone(err)) failed("walk", err, { dir }, "media retention could not list a folder");
        return [];
      }
    };

    // Only real directories (a Dirent of a symbolic link is neither a directory nor a file).
    const cameras = (await list(root)).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (const camera of cameras) {
      const days = (await list(join(root, camera)))
        .filter((e) => e.isDirectory())
        .map((e) => dayFolder(e.name))
        .filter((d): d is string => d !== null && dayExpired(d, cutoffDay))
        .sort();
      for (const day of days) {
        if (signal?.aborted) {
          result.aborted = true;
          return;
        }
        const dir = join(root, camera, day);
        if (!dir.startsWith(root + sep)) continue;
        const names = (await list(dir)).filter((e) => e.isFile() && !inProgressName(e.name)).map((e) => e.name);
        for (let i = 0; i < names.length; i += batchSize) {
          if (signal?.aborted) {
            result.aborted = true;
            return;
          }
          await removeBatch(dir, camera, day, names.slice(i, i + batchSize), result, failed);
        }
        // Only when empty (rmdir refuses otherwise): what is kept, or arrived meanwhile, keeps its folder.
        if (await rmdir(dir).then(() => true, () => false)) result.folders++;
      }
    }
  }

  async function removeBatch(
    dir: string,
    camera: string,
    day: string,
    names: string[],
    result: MediaRetentionResult,
    failed: (stage: MediaRetentionStage, err: unknown, at: Record<string, unknown>, message: string) => void,
  ): Promise<void> {
    const files = new Map<string, string>();
    const candidates: MediaCandidate[] = [];
    await Promise.all(
      names.map(async (name) => {
        const file = join(dir, name);
        const st = await lstat(file).catch((err: unknown) => (gone(err) ? null : (failed("walk", err, { file }, "media retention could not stat a file"), null)));
        if (!st?.isFile()) return;
        const url = mediaUrl(camera, day, name);
        files.set(url, file);
        candidates.push({ url, bytes: st.size, mtimeMs: st.mtimeMs });
      }),
    );
    if (!candidates.length) return;
    let selection: MediaSelection;
    let taken: StoredMediaHash[];
    try {
      selection = selectForRemoval(candidates, await deps.inUse(candidates.map((c) => c.url)), { nowMs: now(), settleMs });
      // The hashes first: a file without its row is merely unverified until it goes; a row without its
      // file would be reported by verify as missing evidence.
      taken = await deps.hashes.remove(selection.remove.map((c) => c.url));
    } catch (err) {
      return failed("database", err, { dir }, "media retention skipped a batch of files: the database could not be asked which alerts use them");
    }
    result.keptForAlerts += selection.keptForAlerts;
    result.keptRecent += selection.keptRecent;
    const notDeleted = new Set<string>();
    let removed = 0;
    let bytes = 0;
    for (const c of selection.remove) {
      const file = files.get(c.url)!;
      try {
        await unlinkFile(file);
        removed++;
        bytes += c.bytes;
      } catch (err) {
        if (gone(err)) continue;
        notDeleted.add(c.url);
        failed("unlink", err, { file }, "media retention could not delete a file");
      }
    }
    result.files += removed;
    result.bytes += bytes;
    deps.metrics?.mediaRetentionFiles.inc(removed);
    deps.metrics?.mediaRetentionBytes.inc(bytes);
    const restore = taken.filter((h) => notDeleted.has(h.path));
    if (restore.length) {
      await deps.hashes.restore(restore).catch((err: unknown) =>
        failed("database", err, { paths: restore.map((h) => h.path) }, "media retention could not put back the hashes of files it failed to delete; verify will not check them"),
      );
    }
  }

  return {
    /** One pass; `signal` stops it between batches (what was removed by then is still audited). */
    async run(signal?: AbortSignal): Promise<MediaRetentionResult> {
      const started = now();
      const cutoffDay = mediaCutoffDay(started, deps.retentionDays);
      const result: MediaRetentionResult = { ran: false, cutoffDay, files: 0, bytes: 0, folders: 0, keptForAlerts: 0, keptRecent: 0, errors: 0, aborted: false };
      try {
        const root = await realpath(deps.mediaDir).catch((err: unknown) => {
          if (gone(err)) return null;
          throw err;
        });
        const locked = await deps.db.tryWithAdvisoryLock(MEDIA_RETENTION_LOCK_KEY, async () => {
          if (root) await walk(root, cutoffDay, result, signal);
        });
        result.ran = locked.ran;
        if (!locked.ran) {
          deps.metrics?.mediaRetentionRuns.inc({ result: "skipped" });
          log.debug("media retention is running on another instance");
          return result;
        }
      } catch (err) {
        result.errors++;
        deps.metrics?.mediaRetentionErrors.inc({ stage: "run" });
        log.warn({ err, removed: result.files }, "media retention could not run");
      }
      if (result.files > 0) {
        try {
          await deps.audit.write({
            username: null,
            action: "media.retention",
            details: { files: result.files, bytes: result.bytes, cutoff: `${cutoffDay}T00:00:00.000Z`, keptForAlerts: result.keptForAlerts },
          });
        } catch (err) {
          result.errors++;
          deps.metrics?.mediaRetentionErrors.inc({ stage: "audit" });
          log.error({ err, files: result.files, bytes: result.bytes, cutoffDay }, "media retention removed files but could not write its audit row");
        }
      }
      deps.metrics?.mediaRetentionRuns.inc({ result: result.errors && !result.files ? "failed" : result.files ? "removed" : "nothing" });
      const summary = { ...result, ms: Math.round(now() - started) };
      if (result.files) log.info(summary, "media retention removed old evidence files");
      else log.debug(summary, "media retention: nothing to remove");
      return result;
    },
  };
}
export type MediaRetention = ReturnType<typeof createMediaRetention>;

/**
 * Runs media retention now (in the background: a first run over a long backlog must not hold up the
 * start) and every `intervalMs` after; never two at once in this process. `close()` stops a run
 * between batches and waits for it.
 */
export function startMediaRetention(o: { retention: MediaRetention; intervalMs: number; logger: Logger }) {
  const stop = new AbortController();
  let running: Promise<MediaRetentionResult | null> | null = null;
  const tick = (): Promise<MediaRetentionResult | null> =>
    (running ??= o.retention
      .run(stop.signal)
      .catch((err: unknown) => {
        o.logger.warn({ err }, "media retention failed");
        return null;
      })
      .finally(() => {
        running = null;
      }));
  void tick();
  const timer = setInterval(() => void tick(), o.intervalMs);
  timer.unref();
  return {
    /** A run that starts after this call (after the one in progress, if any). */
    async runNow(): Promise<MediaRetentionResult | null> {
      await running;
      return tick();
    },
    async close(): Promise<void> {
      clearInterval(timer);
      stop.abort();
      await running;
    },
  };
}
