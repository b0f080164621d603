import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { unzipSync, zipSync } from "fflate";
import pg from "pg";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Alert, IntegrityReport } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { EvidenceWriter } from "../services/inference/src/evidence/evidence-writer.js";
import { checkCaseExport } from "../services/alerts/src/export/case-manifest.js";
import { applyAuditRetention } from "../services/alerts/src/integrity/audit-chain.js";
import { startIntegritySelfCheck } from "../services/alerts/src/integrity/integrity-check.js";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

// Issue #19 end to end on real PostgreSQL and the real broker: inference's writer hashes the evidence,
// the alert service stores the hashes, and every kind of tampering is caught and reported precisely.
const execFileAsync = promisify(execFile);
/** A CLI run through this node with tsx (npx adds seconds under load). */
const run = (cli: string, args: string[], env?: NodeJS.ProcessEnv) => execFileAsync(process.execPath, ["--import", "tsx", cli, ...args], env ? { env } : {});
let h: AlertsHarness;
let mqtt: MqttClient;
let superuser: pg.Client;
let token: string;
let keyDir: string;
let alert: Alert;
let snapshotFile: string;

const verifyApi = async () => (await api<IntegrityReport>(h.base, "GET", "/api/v1/admin/verify", { token })).body;
const ids = async () => (await superuser.query<{ id: string; seq: string }>("SELECT id, seq FROM audit_log ORDER BY seq")).rows.map((r) => ({ id: Number(r.id), seq: Number(r.seq) }));
/** The attacker of these tests: database superuser, triggers off (session_replication_role = replica). */
const asAttacker = async (sql: string, params: unknown[] = []) => {
  await superuser.query("SET session_replication_role = replica");
  try {
    await superuser.query(sql, params);
  } finally {
    await superuser.query("SET session_replication_role = origin");
  }
};

beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), "vigil-export-key-"));
  h = await startAlertsHarness("integrity", { exportSigningKeyFile: join(keyDir, "export-signing.key") });
  superuser = new pg.Client({ connectionString: h.testDb.url });
  await superuser.connect();
  mqtt = await connectTestMqtt();
  token = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  expect((await api(h.base, "POST", "/api/v1/watchlist", { token, body: { plate: "51F12345", reason: "stolen (case 19)", priority: "high" } })).status).toBe(201);

  // Evidence as inference writes it: real JPEGs, hashed from the bytes written.
  const eventId = crypto.randomUUID();
  const ts = new Date();
  const frame = { data: Buffer.alloc(320 * 180 * 3, 90), width: 320, height: 180 };
  const crop = { data: Buffer.alloc(60 * 20 * 3, 200), width: 60, height: 20 };
  const paths = await new EvidenceWriter({ mediaDir: h.config.mediaDir }).write("cam-1", eventId, ts, frame, [0.3, 0.4, 0.2, 0.1], crop);
  expect(paths.snapshotSha256).toMatch(/^[0-9a-f]{64}$/);
  snapshotFile = join(h.config.mediaDir, paths.snapshot!.slice("/media/".length));
  await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(plateEvent({ id: eventId, ts: ts.toISOString(), ...paths })), { qos: 1 });
  await waitUntil(async () => {
    const list = await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts", { token });
    alert = list.body.items.find((a) => a.eventId === eventId)!;
    return !!alert && (await superuser.query("SELECT 1 FROM media_hashes")).rowCount === 2;
  }, 15_000, "the watchlist alert and its recorded hashes");
}, 60_000);

afterAll(async () => {
  await mqtt?.endAsync();
  await superuser?.end();
  await h?.close();
  await rm(keyDir, { recursive: true, force: true });
});

describe("evidence hashes", () => {
  it("stores the writer's hashes with the read and the alert, and serves the untouched file", async () => {
    expect(alert.snapshotSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(alert.evidence?.[0]).toMatchObject({ snapshot: alert.snapshot, snapshotSha256: alert.snapshotSha256, cropSha256: alert.cropSha256 });
    const read = (await superuser.query("SELECT snapshot_sha256, crop_sha256 FROM plate_reads WHERE id = $1", [alert.eventId])).rows[0];
    expect(read).toEqual({ snapshot_sha256: alert.snapshotSha256, crop_sha256: alert.cropSha256 });
    const res = await fetch(`${h.base}${alert.snapshot}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it("an untouched store verifies clean, through the API and `npm run verify`", async () => {
    const report = await verifyApi();
    expect(report).toMatchObject({ ok: true, problemsTotal: 0, media: { files: 2 } });
    expect(report.audit.rows).toBeGreaterThan(1);
    const out = await run("services/alerts/src/integrity/verify-cli.ts", [], { ...process.env, DATABASE_URL: h.testDb.url, MEDIA_DIR: h.config.mediaDir });
    expect(out.stdout).toContain("OK: the audit chain and every recorded evidence hash check out");
  });

  it("one changed byte in a snapshot: refused (409), audited, counted, and reported by verify with its path", async () => {
    const original = await readFile(snapshotFile);
    const changed = Buffer.from(original);
    changed[600] = changed[600]! ^ 0x01;
    await writeFile(snapshotFile, changed);
    try {
      const res = await api(h.base, "GET", alert.snapshot!, { token });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: "evidence_tampered", details: { path: alert.snapshot, expectedSha256: alert.snapshotSha256 } });
      const audit = await api<{ items: { action: string; target: string }[] }>(h.base, "GET", "/api/v1/audit?action=evidence.tampered", { token });
      expect(audit.body.items.map((a) => a.target)).toEqual([alert.snapshot]);
      const metrics = await api<string>(h.base, "GET", "/metrics", { token });
      expect(metrics.body).toMatch(/vigil_alerts_evidence_tampered_total 1\b/);
      const report = await verifyApi();
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.objectContaining({ kind: "media_tampered", path: alert.snapshot, expectedSha256: alert.snapshotSha256 })]);
      const cli = await run("services/alerts/src/integrity/verify-cli.ts", [], { ...process.env, DATABASE_URL: h.testDb.url, MEDIA_DIR: h.config.mediaDir }).catch((e: { code: number; stdout: string }) => e);
      expect((cli as { code?: number }).code).toBe(1);
      expect(cli.stdout).toContain(`media_tampered  ${alert.snapshot}`);
      // The self-check raises a system alert for administrators.
      const selfCheck = startIntegritySelfCheck({ checker: h.service.integrity, intervalMs: 3_600_000, raiseSystemAlert: (a) => h.service.alerts.raiseSystemAlert(a), logger: createLogger({ name: "t", level: "silent" }) });
      await selfCheck.runNow();
      await selfCheck.close();
      const system = (await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts?type=system", { token })).body.items;
      expect(system).toEqual([expect.objectContaining({ systemCode: "integrity_failure", subject: alert.snapshot, severity: "critical" })]);
    } finally {
      await writeFile(snapshotFile, original);
    }
    expect((await verifyApi()).ok).toBe(true);
  });
});

describe("audit hash chain", () => {
  it("refuses UPDATE and DELETE of audit rows to the service's own database user", async () => {
    await expect(superuser.query("UPDATE audit_log SET action = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(superuser.query("DELETE FROM audit_log WHERE seq = 1")).rejects.toThrow(/append-only/);
  });

  it("an edited row is reported by id, and clean again once restored", async () => {
    const [, second] = await ids();
    const before = (await superuser.query<{ details: unknown }>("SELECT details FROM audit_log WHERE id = $1", [second!.id])).rows[0]!.details;
    await asAttacker("UPDATE audit_log SET details = '{\"reason\":\"nothing to see\"}' WHERE id = $1", [second!.id]);
    const report = await verifyApi();
    expect(report.problems).toEqual([expect.objectContaining({ kind: "audit_row_altered", rowId: second!.id, seq: second!.seq })]);
    expect(report.since).toBe(report.problems[0]!.at);
    await asAttacker("UPDATE audit_log SET details = $2 WHERE id = $1", [second!.id, before === null ? null : JSON.stringify(before)]);
    expect((await verifyApi()).ok).toBe(true);
  });

  it("a deleted row is reported as the gap it leaves, naming the rows around it", async () => {
    const rows = await ids();
    const victim = rows[2]!;
    await superuser.query(`CREATE TEMP TABLE saved_row AS SELECT * FROM audit_log WHERE id = ${victim.id}`);
    await asAttacker("DELETE FROM audit_log WHERE id = $1", [victim.id]);
    const report = await verifyApi();
    expect(report.problems).toEqual([expect.objectContaining({ kind: "audit_rows_missing", seq: victim.seq, rowId: rows[3]!.id })]);
    expect(report.problems[0]!.message).toContain(`between row id ${rows[1]!.id}`);
    await asAttacker("INSERT INTO audit_log SELECT * FROM saved_row");
    expect((await verifyApi()).ok).toBe(true);
  });

  it("two reordered rows are both reported; deleting the newest row breaks the head", async () => {
    const rows = await ids();
    const [a, b] = [rows[1]!, rows[2]!];
    const swap = async () => {
      await asAttacker("UPDATE audit_log SET seq = -1 WHERE id = $1", [a.id]);
      await asAttacker("UPDATE audit_log SET seq = $2 WHERE id = $1", [b.id, a.seq]);
      await asAttacker("UPDATE audit_log SET seq = $2 WHERE id = $1", [a.id, b.seq]);
    };
    await swap();
    const report = await verifyApi();
    expect(new Set(report.problems.filter((p) => p.kind === "audit_row_altered").map((p) => p.rowId))).toEqual(new Set([a.id, b.id]));
    expect(report.problems.filter((p) => p.kind === "audit_link_broken").length).toBeGreaterThan(0);
    [a.seq, b.seq] = [b.seq, a.seq];
    await swap(); // back
    expect((await verifyApi()).ok).toBe(true);

    const newest = (await ids()).at(-1)!;
    await superuser.query(`CREATE TEMP TABLE newest_row AS SELECT * FROM audit_log WHERE id = ${newest.id}`);
    await asAttacker("DELETE FROM audit_log WHERE id = $1", [newest.id]);
    const broken = await verifyApi();
    expect(broken.problems).toEqual([expect.objectContaining({ kind: "audit_head_mismatch", seq: newest.seq })]);
    // The next row continues from the head, so the deleted one stays a gap instead of being healed over.
    await h.db.query("INSERT INTO audit_log (username, action) VALUES ('test', 'test.after_deletion')");
    expect((await verifyApi()).problems).toEqual([expect.objectContaining({ kind: "audit_rows_missing", seq: newest.seq })]);
    await asAttacker("INSERT INTO audit_log SELECT * FROM newest_row");
    expect((await verifyApi()).ok).toBe(true);
  });

  it("appenders on several connections at once still make one unbroken chain", async () => {
    const before = (await ids()).length;
    await Promise.all(Array.from({ length: 40 }, (_, i) => h.db.query("INSERT INTO audit_log (username, action, target) VALUES ($1, 'test.concurrent', $2)", [`u${i % 4}`, String(i)])));
    const seqs = (await ids()).map((r) => r.seq);
    expect(seqs.length).toBe(before + 40);
    expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true);
    expect((await verifyApi()).problems).toEqual([]);
  });

  it("retention removes a prefix and leaves a chain that still verifies from its anchor", async () => {
    const last = (await superuser.query<{ seq: string }>("SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1")).rows[0]!;
    const removed = await applyAuditRetention(h.db, 1, Date.now() + 2 * 86_400_000);
    expect(removed).toBeGreaterThan(3);
    const report = await verifyApi();
    expect(report).toMatchObject({ ok: true });
    expect(report.audit.fromSeq).toBe(Number(last.seq) + 1);
  });
});

describe("case export", () => {
  let zip: Uint8Array;

  it("needs a reason, audits it, and gives a ZIP that verify-export accepts", async () => {
    expect((await api(h.base, "GET", `/api/v1/alerts/${alert.id}/export?reason=%20ab%20`, { token })).status).toBe(400);
    const res = await fetch(`${h.base}/api/v1/alerts/${alert.id}/export?reason=${encodeURIComponent("Vụ án 19/2026")}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    zip = new Uint8Array(await res.arrayBuffer());
    const entries = unzipSync(zip);
    const manifest = JSON.parse(Buffer.from(entries["manifest.json"]!).toString());
    expect(manifest).toMatchObject({ reason: "Vụ án 19/2026", exportedBy: "admin", timeZone: "Asia/Ho_Chi_Minh", alert: { id: alert.id } });
    expect(manifest.alert.tsVietnam).toMatch(/\+07:00$/);
    expect(manifest.members.map((m: { name: string }) => m.name).sort()).toEqual(["audit.json", "export-key.pem", `media/${alert.crop!.slice(7)}`, `media/${alert.snapshot!.slice(7)}`].sort());
    const audit = JSON.parse(Buffer.from(entries["audit.json"]!).toString()) as { action: string; details: { reason?: string } }[];
    expect(audit.find((r) => r.action === "alert.export")?.details.reason).toBe("Vụ án 19/2026");

    const file = join(keyDir, "case.zip");
    const keyFile = join(keyDir, "public.pem");
    await writeFile(file, zip);
    await writeFile(keyFile, (await api<string>(h.base, "GET", "/api/v1/export-key", { token })).body);
    const out = await run("services/alerts/src/export/verify-export-cli.ts", [file, "--key", keyFile]);
    expect(out.stdout).toContain("OK:");
  });

  it("a changed member, a changed manifest or an added file fails verify-export, naming what is wrong", async () => {
    const entries = unzipSync(zip);
    const snapshot = `media/${alert.snapshot!.slice(7)}`;
    const alteredMember = { ...entries, [snapshot]: Uint8Array.from(entries[snapshot]!, (b, i) => (i === 700 ? b ^ 1 : b)) };
    expect(checkCaseExport(alteredMember).problems).toEqual([expect.stringMatching(new RegExp(`^${snapshot}: SHA-256 [0-9a-f]{64} does not match`))]);

    const manifest = Buffer.from(entries["manifest.json"]!).toString().replace('"exportedBy": "admin"', '"exportedBy": "someone"');
    expect(checkCaseExport({ ...entries, "manifest.json": Buffer.from(manifest) }).problems).toEqual(["manifest.sig: the signature does not match manifest.json (the manifest was changed, or signed by another key)"]);

    expect(checkCaseExport({ ...entries, "extra.jpg": new Uint8Array(10) }).problems).toEqual(["extra.jpg: in the export but not in the manifest (added after signing)"]);
    const { [snapshot]: _gone, ...withoutSnapshot } = entries;
    expect(checkCaseExport(withoutSnapshot).problems).toEqual([`${snapshot}: listed in the manifest but missing from the export`]);

    const file = join(keyDir, "tampered.zip");
    await writeFile(file, zipSync(alteredMember));
    const cli = await run("services/alerts/src/export/verify-export-cli.ts", [file]).catch((e: { code: number; stdout: string }) => e);
    expect((cli as { code?: number }).code).toBe(1);
    expect(cli.stdout).toContain(`${snapshot}: SHA-256`);
  });
});

describe("track case export", () => {
  const PLATE = "43A56789";
  const reads: { id: string; cameraId: string; ts: string; snapshot: string; crop: string; snapshotSha256: string; cropSha256: string }[] = [];
  let officerB: string;

  beforeAll(async () => {
    const admin = (method: string, path: string, body: unknown) => api(h.base, method, path, { token, body });
    expect((await admin("POST", "/api/v1/units", { id: "doi-a", name: "Đội CSGT số 1" })).status).toBe(201);
    expect((await admin("POST", "/api/v1/units", { id: "doi-b", name: "Đội CSGT số 2" })).status).toBe(201);
    expect((await admin("POST", "/api/v1/users", { username: "officer.b", password: "cán bộ đội hai 2026", role: "operator", unitId: "doi-b" })).status).toBe(201);
    officerB = (await login(h.base, "officer.b", "cán bộ đội hai 2026")).token;
    // Three cameras of unit A along a road; the vehicle passes them ten minutes apart.
    for (let i = 0; i < 3; i++) {
      const id = `track-cam-${i + 1}`;
      expect((await admin("POST", "/api/v1/cameras", { id, name: `Ngã tư ${i + 1}`, url: `rtsp://127.0.0.1:8554/${id}`, lat: 16.05 + i / 100, lon: 108.2, unitId: "doi-a" })).status).toBe(201);
      const eventId = crypto.randomUUID();
      const ts = new Date(Date.now() - (30 - i * 10) * 60_000);
      const frame = { data: Buffer.alloc(320 * 180 * 3, 40 + i * 30), width: 320, height: 180 };
      const crop = { data: Buffer.alloc(60 * 20 * 3, 150 + i * 30), width: 60, height: 20 };
      const paths = await new EvidenceWriter({ mediaDir: h.config.mediaDir }).write(id, eventId, ts, frame, [0.3, 0.4, 0.2, 0.1], crop);
      reads.push({ id: eventId, cameraId: id, ts: ts.toISOString(), ...(paths as { snapshot: string; crop: string; snapshotSha256: string; cropSha256: string }) });
      await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(plateEvent({ id: eventId, cameraId: id, ts: ts.toISOString(), plate: PLATE, confidence: 0.9 - i / 10, ...paths })), { qos: 1 });
    }
    await waitUntil(async () => (await superuser.query("SELECT 1 FROM plate_reads WHERE plate = $1", [PLATE])).rowCount === 3, 15_000, "the three reads stored");
  }, 60_000);

  const exportUrl = (reason: string, who = token) => fetch(`${h.base}/api/v1/plates/${PLATE}/track/export?reason=${encodeURIComponent(reason)}`, { headers: { authorization: `Bearer ${who}` } });

  it("lists every read with its evidence, carries its audit row, and verify-export accepts it; a changed member fails precisely", async () => {
    expect((await exportUrl(" ab ")).status).toBe(400);
    const res = await exportUrl("Hồ sơ hành trình 7/2026");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`filename="vigil-track-${PLATE}-\\d{4}-\\d{2}-\\d{2}\\.zip"`));
    const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const manifest = JSON.parse(Buffer.from(entries["manifest.json"]!).toString());
    expect(manifest).toMatchObject({ kind: "plate-track", reason: "Hồ sơ hành trình 7/2026", exportedBy: "admin", track: { plate: PLATE, display: "43A-567.89", reads: 3 } });
    expect(manifest.events).toEqual(reads.map((r, i) => expect.objectContaining({
      eventId: r.id, cameraId: r.cameraId, cameraName: `Ngã tư ${i + 1}`, at: r.ts, atVietnam: expect.stringMatching(/\+07:00$/), plate: PLATE, display: "43A-567.89",
      confidence: expect.closeTo(0.9 - i / 10, 3), snapshot: r.snapshot, snapshotSha256: r.snapshotSha256, snapshotMember: `media/${r.snapshot.slice(7)}`, crop: r.crop, cropSha256: r.cropSha256, cropMember: `media/${r.crop.slice(7)}`,
    })));
    expect(manifest.cameras.map((c: { id: string; unitId: string }) => [c.id, c.unitId])).toEqual(reads.map((r) => [r.cameraId, "doi-a"]));
    expect(manifest.members.map((m: { name: string }) => m.name).sort()).toEqual(["audit.json", "export-key.pem", ...reads.flatMap((r) => [`media/${r.snapshot.slice(7)}`, `media/${r.crop.slice(7)}`])].sort());
    for (const r of reads) expect(manifest.members.find((m: { source?: string }) => m.source === r.snapshot).sha256).toBe(r.snapshotSha256);
    const audit = JSON.parse(Buffer.from(entries["audit.json"]!).toString()) as { action: string; target: string; details: { reason?: string; exportId?: string; reads?: number } }[];
    expect(audit).toEqual([expect.objectContaining({ action: "plates.track_export", target: PLATE, details: expect.objectContaining({ reason: "Hồ sơ hành trình 7/2026", exportId: manifest.track.exportId, reads: 3 }) })]);
    const logged = await api<{ items: { action: string; target: string }[] }>(h.base, "GET", "/api/v1/audit?action=plates.track_export", { token });
    expect(logged.body.items).toEqual([expect.objectContaining({ target: PLATE })]);

    const file = join(keyDir, "track.zip");
    const keyFile = join(keyDir, "track-public.pem");
    await writeFile(file, zipSync(entries));
    await writeFile(keyFile, (await api<string>(h.base, "GET", "/api/v1/export-key", { token })).body);
    const out = await run("services/alerts/src/export/verify-export-cli.ts", [file, "--key", keyFile]);
    expect(out.stdout).toContain(`case export of the track of plate ${PLATE} (3 read(s))`);
    expect(out.stdout).toContain("OK:");

    const crop = `media/${reads[1]!.crop.slice(7)}`;
    const altered = { ...entries, [crop]: Uint8Array.from(entries[crop]!, (b, i) => (i === 200 ? b ^ 1 : b)) };
    expect(checkCaseExport(altered).problems).toEqual([expect.stringMatching(new RegExp(`^${crop}: SHA-256 [0-9a-f]{64} does not match`))]);
    await writeFile(file, zipSync(altered));
    const cli = await run("services/alerts/src/export/verify-export-cli.ts", [file]).catch((e: { code: number; stdout: string }) => e);
    expect((cli as { code?: number }).code).toBe(1);
    expect(cli.stdout).toContain(`${crop}: SHA-256`);
  });

  it("a user of another unit gets 404, as for a plate never read, and nothing is exported or audited for them", async () => {
    const res = await exportUrl("Hồ sơ hành trình 7/2026", officerB);
    expect(res.status).toBe(404);
    const logged = await api<{ items: { username: string }[] }>(h.base, "GET", "/api/v1/audit?action=plates.track_export", { token });
    expect(logged.body.items.map((a) => a.username)).toEqual(["admin"]);
  });
});
