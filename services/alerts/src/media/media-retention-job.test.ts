import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { createAlertsMetrics } from "../metrics.js";
import type { AuditRecord } from "../storage/audit-repository.js";
import type { StoredMediaHash } from "../storage/media-hashes-repository.js";
import { createMediaRetention, type MediaRetentionDeps } from "./media-retention-job.js";

// The job over a real directory tree, with the database faked: what goes, what stays, and that
// nothing outside the media dir or behind a link is ever touched.
const DAY = 86_400_000;
const NOW = Date.parse("2026-05-10T12:00:00Z");
const OLD_DAY = "2026-01-15";
const NEW_DAY = "2026-05-09";
const logger = createLogger({ name: "t", level: "silent" });
let root: string;
let media: string;
let outside: string;

const put = async (rel: string, bytes = 100, mtimeMs = NOW - 100 * DAY) => {
  const file = join(media, rel);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, Buffer.alloc(bytes, 1));
  await utimes(file, mtimeMs / 1000, mtimeMs / 1000);
  return file;
};

function fakes(over: Partial<MediaRetentionDeps> = {}) {
  const hashes = new Map<string, StoredMediaHash>();
  const audits: AuditRecord[] = [];
  const inUse = new Set<string>();
  const metrics = createAlertsMetrics();
  const deps: MediaRetentionDeps = {
    db: { tryWithAdvisoryLock: async (_key, fn) => ({ ran: true, value: await fn() }) },
    mediaDir: media,
    retentionDays: 90,
    hashes: {
      remove: async (paths) => paths.flatMap((p) => {
        const h = hashes.get(p);
        hashes.delete(p);
        return h ? [h] : [];
      }),
      restore: async (rows) => void rows.forEach((r) => hashes.set(r.path, r)),
    },
    inUse: async (paths) => new Set(paths.filter((p) => inUse.has(p))),
    audit: { write: async (e) => void audits.push(e) },
    metrics,
    logger,
    now: () => NOW,
    ...over,
  };
  const hash = (url: string) => hashes.set(url, { path: url, sha256: "a".repeat(64), eventId: null, recordedAt: new Date(NOW - 100 * DAY).toISOString() });
  return { deps, hashes, audits, inUse, metrics, hash };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "vigil-media-retention-"));
  media = join(root, "media");
  outside = join(root, "outside");
  await mkdir(media);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("media retention job", () => {
  it("deletes an old day's files and their hash rows, keeps alerts' files, writes, recent days, then audits once", async () => {
    const f = fakes();
    await put(`cam-1/${OLD_DAY}/read.jpg`, 300);
    await put(`cam-1/${OLD_DAY}/read-crop.jpg`, 50);
    await put(`cam-1/${OLD_DAY}/case.jpg`);
    await put(`cam-1/${OLD_DAY}/case.mp4`);
    await put(`cam-1/${OLD_DAY}/clip.mp4.tmp`);
    await put(`cam-2/${OLD_DAY}/fire-1.jpg`, 150);
    // A recent day's folder is never opened, whatever its files' times say.
    await put(`cam-1/${NEW_DAY}/e9.jpg`, 100, 0);
    // Outside the layout: left alone.
    await put("loose.jpg", 100, 0);
    await put(`cam-1/notes/x.jpg`, 100, 0);
    await put(`cam-1/${OLD_DAY}/nested/y.jpg`, 100, 0);
    for (const u of ["read.jpg", "read-crop.jpg", "case.jpg"]) f.hash(`/media/cam-1/${OLD_DAY}/${u}`);
    f.inUse.add(`/media/cam-1/${OLD_DAY}/case.jpg`).add(`/media/cam-1/${OLD_DAY}/case.mp4`);

    const r = await createMediaRetention(f.deps).run();
    expect(r).toMatchObject({ ran: true, cutoffDay: "2026-02-09", files: 3, bytes: 500, keptForAlerts: 2, errors: 0, folders: 1 });
    expect((await readdir(join(media, "cam-1", OLD_DAY))).sort()).toEqual(["case.jpg", "case.mp4", "clip.mp4.tmp", "nested"]);
    // cam-2's emptied day folder is gone, the camera folder stays.
    expect(await readdir(join(media, "cam-2"))).toEqual([]);
    expect(existsSync(join(media, "cam-1", NEW_DAY, "e9.jpg"))).toBe(true);
    expect(existsSync(join(media, "loose.jpg"))).toBe(true);
    expect(existsSync(join(media, "cam-1/notes/x.jpg"))).toBe(true);
    expect([...f.hashes.keys()]).toEqual([`/media/cam-1/${OLD_DAY}/case.jpg`]);
    expect(f.audits).toEqual([{ username: null, action: "media.retention", details: { files: 3, bytes: 500, cutoff: "2026-02-09T00:00:00.000Z", keptForAlerts: 2 } }]);
    const text = await f.metrics.registry.metrics();
    expect(text).toMatch(/vigil_alerts_media_retention_files_removed_total 3\b/);
    expect(text).toMatch(/vigil_alerts_media_retention_bytes_removed_total 500\b/);
    expect(text).toMatch(/vigil_alerts_media_retention_runs_total\{result="removed"\} 1\b/);

    // Nothing left to do: no second audit row.
    expect(await createMediaRetention(f.deps).run()).toMatchObject({ files: 0, keptForAlerts: 2 });
    expect(f.audits).toHaveLength(1);
  });

  it("never follows links: a linked camera or day folder, or a linked file, is left with its target", async () => {
    const f = fakes();
    await mkdir(join(outside, OLD_DAY), { recursive: true });
    await writeFile(join(outside, OLD_DAY, "victim.jpg"), "x");
    await writeFile(join(outside, "victim2.jpg"), "x");
    await utimes(join(outside, OLD_DAY, "victim.jpg"), 0, 0);
    await symlink(outside, join(media, "linked-cam"));
    await mkdir(join(media, "cam-1"));
    await symlink(join(outside, OLD_DAY), join(media, "cam-1", "2026-01-14"));
    await put(`cam-1/${OLD_DAY}/real.jpg`);
    await symlink(join(outside, "victim2.jpg"), join(media, "cam-1", OLD_DAY, "link.jpg"));

    const r = await createMediaRetention(f.deps).run();
    expect(r).toMatchObject({ files: 1, errors: 0 });
    expect(existsSync(join(outside, OLD_DAY, "victim.jpg"))).toBe(true);
    expect(existsSync(join(outside, "victim2.jpg"))).toBe(true);
    expect(await readdir(join(media, "cam-1", OLD_DAY))).toEqual(["link.jpg"]);
  });

  it("leaves files just written into an old day for a later run", async () => {
    const f = fakes();
    await put(`cam-1/${OLD_DAY}/late.jpg`, 100, NOW - 60_000);
    expect(await createMediaRetention(f.deps).run()).toMatchObject({ files: 0, keptRecent: 1, folders: 0 });
    expect(f.audits).toEqual([]);
  });

  it("a file that cannot be deleted keeps its hash row; errors are counted, the run goes on", async () => {
    const f = fakes({ unlinkFile: (file) => (file.endsWith("stuck.jpg") ? Promise.reject(Object.assign(new Error("read-only file system"), { code: "EROFS" })) : unlink(file)) });
    await put(`cam-1/${OLD_DAY}/stuck.jpg`);
    await put(`cam-1/${OLD_DAY}/fine.jpg`);
    f.hash(`/media/cam-1/${OLD_DAY}/stuck.jpg`);
    f.hash(`/media/cam-1/${OLD_DAY}/fine.jpg`);
    const r = await createMediaRetention(f.deps).run();
    expect(r).toMatchObject({ files: 1, errors: 1 });
    expect([...f.hashes.keys()]).toEqual([`/media/cam-1/${OLD_DAY}/stuck.jpg`]);
    expect(await f.metrics.registry.metrics()).toMatch(/vigil_alerts_media_retention_errors_total\{stage="unlink"\} 1\b/);
  });

  it("the database unreachable: the batch is skipped (nothing deleted), counted, and the run does not throw", async () => {
    const f = fakes({ inUse: () => Promise.reject(new Error("connection refused")) });
    await put(`cam-1/${OLD_DAY}/a.jpg`);
    const r = await createMediaRetention(f.deps).run();
    expect(r).toMatchObject({ files: 0, errors: 1 });
    expect(existsSync(join(media, `cam-1/${OLD_DAY}/a.jpg`))).toBe(true);
    const text = await f.metrics.registry.metrics();
    expect(text).toMatch(/vigil_alerts_media_retention_errors_total\{stage="database"\} 1\b/);
    expect(text).toMatch(/vigil_alerts_media_retention_runs_total\{result="failed"\} 1\b/);

    const down = fakes({ db: { tryWithAdvisoryLock: () => Promise.reject(new Error("connection refused")) } });
    expect(await createMediaRetention(down.deps).run()).toMatchObject({ ran: false, errors: 1 });
  });

  it("another instance holding the lock: this one does nothing", async () => {
    const f = fakes({ db: { tryWithAdvisoryLock: async () => ({ ran: false }) } });
    await put(`cam-1/${OLD_DAY}/a.jpg`);
    expect(await createMediaRetention(f.deps).run()).toMatchObject({ ran: false, files: 0 });
    expect(existsSync(join(media, `cam-1/${OLD_DAY}/a.jpg`))).toBe(true);
    expect(await f.metrics.registry.metrics()).toMatch(/vigil_alerts_media_retention_runs_total\{result="skipped"\} 1\b/);
  });

  it("stops between batches when aborted, and audits what it removed by then", async () => {
    const stop = new AbortController();
    const f = fakes({ batchSize: 2, inUse: async () => (stop.abort(), new Set()) });
    for (let i = 0; i < 6; i++) await put(`cam-1/${OLD_DAY}/e${i}.jpg`);
    const r = await createMediaRetention(f.deps).run(stop.signal);
    expect(r).toMatchObject({ files: 2, aborted: true });
    expect(f.audits).toHaveLength(1);
    expect(await readdir(join(media, "cam-1", OLD_DAY))).toHaveLength(4);
  });

  it("a media dir that does not exist is nothing to do", async () => {
    const f = fakes({ mediaDir: join(root, "absent") });
    expect(await createMediaRetention(f.deps).run()).toMatchObject({ ran: true, files: 0, errors: 0 });
  });
});
