import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Alert, IntegrityReport } from "@vigil/contracts";
import { EvidenceWriter } from "../services/inference/src/evidence/evidence-writer.js";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

// Media retention on real PostgreSQL and the real broker: evidence written as inference writes it,
// stored through the consumer; then the job deletes an old read's files with their hash rows, keeps a
// case's (snapshot, crop, evidence list, clip) and recent files, audits the run, and verify stays clean.
const execFileAsync = promisify(execFile);
const DAY = 86_400_000;
const CASE_PLATE = "51F12345";
let h: AlertsHarness;
let mqtt: MqttClient;
let superuser: pg.Client;
let token: string;

interface Written {
  id: string;
  snapshot: string;
  crop: string;
}
const written = {} as Record<"oldRead" | "oldCase1" | "oldCase2" | "recentRead", Written>;
let clipUrl: string;
let caseAlert: Alert;

const file = (url: string) => join(h.config.mediaDir, url.slice("/media/".length));
const hashRows = async (urls: string[]) => (await superuser.query<{ path: string }>("SELECT path FROM media_hashes WHERE path = ANY($1) ORDER BY path", [urls])).rows.map((r) => r.path);
const verifyApi = async () => (await api<IntegrityReport>(h.base, "GET", "/api/v1/admin/verify", { token })).body;

/** Evidence as inference writes it for an event at `ts`, its files dated then (they were written then), and the event published. */
async function read(cameraId: string, plate: string, ts: Date): Promise<Written> {
  const id = crypto.randomUUID();
  const frame = { data: Buffer.alloc(320 * 180 * 3, 60), width: 320, height: 180 };
  const crop = { data: Buffer.alloc(60 * 20 * 3, 180), width: 60, height: 20 };
  const paths = await new EvidenceWriter({ mediaDir: h.config.mediaDir }).write(cameraId, id, ts, frame, [0.3, 0.4, 0.2, 0.1], crop);
  for (const url of [paths.snapshot!, paths.crop!]) await utimes(file(url), ts, ts);
  await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(plateEvent({ id, cameraId, ts: ts.toISOString(), plate, ...paths })), { qos: 1 });
  return { id, snapshot: paths.snapshot!, crop: paths.crop! };
}

beforeAll(async () => {
  // Reads are kept 90 days, their pictures 30: a 40-day-old read is stored, and its media is due.
  h = await startAlertsHarness("mediaretention", { retentionDays: 90, mediaRetentionDays: 30 });
  superuser = new pg.Client({ connectionString: h.testDb.url });
  await superuser.connect();
  mqtt = await connectTestMqtt();
  token = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  expect((await api(h.base, "POST", "/api/v1/watchlist", { token, body: { plate: CASE_PLATE, reason: "stolen (retention case)", priority: "high" } })).status).toBe(201);

  const old = Date.now() - 40 * DAY;
  written.oldRead = await read("cam-2", "30A99999", new Date(old));
  // Two sightings of the wanted car a minute apart: one alert, both pictures in its evidence list.
  written.oldCase1 = await read("cam-1", CASE_PLATE, new Date(old));
  written.oldCase2 = await read("cam-1", CASE_PLATE, new Date(old + 60_000));
  written.recentRead = await read("cam-2", "30A88888", new Date(Date.now() - DAY));
  await waitUntil(async () => (await superuser.query("SELECT 1 FROM plate_reads")).rowCount === 4 && (await superuser.query("SELECT 1 FROM media_hashes")).rowCount === 8, 15_000, "the reads and their hashes stored");
  await waitUntil(async () => {
    const row = (await superuser.query<{ id: string; evidence: unknown[] | null }>("SELECT id, evidence FROM alerts WHERE plate = $1", [CASE_PLATE])).rows[0];
    return row?.evidence?.length === 2;
  }, 15_000, "the case alert with both sightings");
  caseAlert = (await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts", { token })).body.items.find((a) => a.plate === CASE_PLATE)!;

  // Its event clip, as ingest writes one beside the snapshot, recorded and attached as the clip attacher does.
  const day = written.oldCase1.snapshot.split("/")[3]!;
  clipUrl = `/media/cam-1/${day}/${written.oldCase1.id}.mp4`;
  const clip = Buffer.from("not really an mp4, but bytes with a hash");
  await mkdir(join(file(clipUrl), ".."), { recursive: true });
  await writeFile(file(clipUrl), clip);
  await utimes(file(clipUrl), new Date(old), new Date(old));
  const clipSha256 = createHash("sha256").update(clip).digest("hex");
  await superuser.query("INSERT INTO media_hashes (path, sha256, event_id) VALUES ($1, $2, $3)", [clipUrl, clipSha256, written.oldCase1.id]);
  expect(await h.service.alerts.attachClip(caseAlert.id, { clip: clipUrl, clipSha256 })).toBeTruthy();
  await waitUntil(async () => (await superuser.query("SELECT 1 FROM alerts WHERE clip = $1", [clipUrl])).rowCount === 1, 15_000, "the clip on the stored alert");
  expect((await verifyApi()).ok).toBe(true);
}, 90_000);

afterAll(async () => {
  await mqtt?.endAsync();
  await superuser?.end();
  await h?.close();
});

describe("media retention", () => {
  it("another instance holding the lock: this one leaves everything", async () => {
    const holder = new pg.Client({ connectionString: h.testDb.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [0x56_49_47_33]);
      expect(await h.service.mediaRetention.runNow()).toMatchObject({ ran: false, files: 0 });
      expect(existsSync(file(written.oldRead.snapshot))).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it("deletes an old read's files and hash rows, keeps the case's evidence and recent files, audits the run, and verify stays clean", async () => {
    const result = await h.service.mediaRetention.runNow();
    expect(result).toMatchObject({ ran: true, files: 2, keptForAlerts: 5, errors: 0, folders: 1 });
    expect(result!.bytes).toBeGreaterThan(0);

    // The old read: files and hash rows gone, and its emptied day folder.
    const gone = [written.oldRead.snapshot, written.oldRead.crop];
    for (const url of gone) expect(existsSync(file(url))).toBe(false);
    expect(existsSync(join(file(written.oldRead.snapshot), ".."))).toBe(false);
    expect(await hashRows(gone)).toEqual([]);
    // The case: its snapshot, crop, both evidence pictures and its clip, with their hashes.
    const kept = [written.oldCase1.snapshot, written.oldCase1.crop, written.oldCase2.snapshot, written.oldCase2.crop, clipUrl, written.recentRead.snapshot, written.recentRead.crop];
    for (const url of kept) expect(existsSync(file(url)), url).toBe(true);
    expect(await hashRows(kept)).toEqual([...kept].sort());
    // The read row itself is the plate retention's (RETENTION_DAYS), not this job's.
    expect((await superuser.query("SELECT 1 FROM plate_reads WHERE id = $1", [written.oldRead.id])).rowCount).toBe(1);

    const audit = await api<{ items: { action: string; username: string | null; details: Record<string, unknown> }[] }>(h.base, "GET", "/api/v1/audit?action=media.retention", { token });
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: "media.retention", username: null, details: { files: 2, bytes: result!.bytes, cutoff: `${result!.cutoffDay}T00:00:00.000Z`, keptForAlerts: 5 } }),
    ]);
    const metrics = await api<string>(h.base, "GET", "/metrics", { token });
    expect(metrics.body).toMatch(/vigil_alerts_media_retention_files_removed_total 2\b/);
    expect(metrics.body).toMatch(new RegExp(`vigil_alerts_media_retention_bytes_removed_total ${result!.bytes}\\b`));

    // The hash chain includes the audit row, and no deleted file is reported missing.
    const report = await verifyApi();
    expect(report).toMatchObject({ ok: true, problemsTotal: 0, media: { files: 7 } });
    const cli = await execFileAsync(process.execPath, ["--import", "tsx", "services/alerts/src/integrity/verify-cli.ts"], { env: { ...process.env, DATABASE_URL: h.testDb.url, MEDIA_DIR: h.config.mediaDir } });
    expect(cli.stdout).toContain("OK: the audit chain and every recorded evidence hash check out");
    // The case still serves its evidence.
    expect((await fetch(`${h.base}${written.oldCase2.snapshot}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("a run with nothing to remove writes no audit row", async () => {
    expect(await h.service.mediaRetention.runNow()).toMatchObject({ ran: true, files: 0, keptForAlerts: 5 });
    expect((await api<{ items: unknown[] }>(h.base, "GET", "/api/v1/audit?action=media.retention", { token })).body.items).toHaveLength(1);
  });
});
