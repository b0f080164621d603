/**
 * `npm run verify` at scale (#19: 1 M audit rows and 100 k evidence files in ≤ 60 s). In a throwaway
 * database on the local PostgreSQL: 1 M audit rows appended through the chain trigger (migration 016),
 * and 100 k evidence JPEGs of realistic size in a throwaway directory — the service's EvidenceWriter's
 * snapshots of the real street frames in ../shared/datasets/vn-plate-frames, each file made unique by a
 * trailer after the JPEG's end (as distinct files hash), their hashes in media_hashes. Then the check
 * `npm run verify` runs (createIntegrityChecker().run("full")), timed, audit and media apart.
 * The files were just written, so they are read from the page cache: a cold disk adds its read time.
 *   npx tsx bench/verify.ts            (BENCH_AUDIT_ROWS / BENCH_MEDIA_FILES to change the sizes)
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import sharp from "sharp";
import { createPgDatabase, migrate } from "../services/alerts/src/index.js";
import { verifyAuditChain } from "../services/alerts/src/integrity/audit-chain.js";
import { verifyMediaHashes } from "../services/alerts/src/integrity/media-verify.js";
import { createMediaHashesRepository } from "../services/alerts/src/storage/media-hashes-repository.js";
import { EvidenceWriter } from "../services/inference/src/evidence/evidence-writer.js";

const AUDIT_ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const MEDIA_FILES = Number(process.env.BENCH_MEDIA_FILES ?? 100_000);
const ADMIN_URL = process.env.VIGIL_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `vigil_bench_verify_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${dbName}`;
const db = createPgDatabase(url.toString());
const mediaDir = await mkdtemp(path.join(tmpdir(), "vigil-bench-verify-"));
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

try {
  await migrate(db);
  let t0 = performance.now();
  for (let done = 0; done < AUDIT_ROWS; done += 100_000) {
    const n = Math.min(100_000, AUDIT_ROWS - done);
    await db.query(
      `INSERT INTO audit_log (ts, username, action, target, details, ip)
       SELECT now() - ((${AUDIT_ROWS} - g) || ' seconds')::interval, 'officer' || (g % 60), 'plates.search', '51F' || (10000 + g % 90000),
              jsonb_build_object('reason', 'case ' || (g % 5000) || '/2026', 'match', 'exact', 'from', null, 'cameraId', 'cam-' || (g % 40)), '10.1.' || (g % 250) || '.' || (g % 200)
         FROM generate_series($1::int, $2::int) g`,
      [done + 1, done + n],
    );
  }
  console.log(`set-up: ${AUDIT_ROWS} audit rows appended through the chain trigger in ${secs(t0)} s`);

  // Real evidence snapshots at the service's defaults (960 px, quality 75), reused with a unique trailer each.
  const frames = path.resolve(import.meta.dirname, "../../shared/datasets/vn-plate-frames/images");
  const samples: Buffer[] = [];
  const scratch = await mkdtemp(path.join(tmpdir(), "vigil-bench-verify-src-"));
  const writer = new EvidenceWriter({ mediaDir: scratch });
  for (const [i, name] of (await readdir(frames)).filter((f) => f.endsWith(".jpg")).sort().entries()) {
    const { data, info } = await sharp(path.join(frames, name)).resize(1280).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const p = await writer.write("src", `s${i}`, new Date(0), { data, width: info.width, height: info.height }, [0.4, 0.6, 0.12, 0.05], undefined);
    samples.push(await import("node:fs/promises").then((fs) => fs.readFile(path.join(scratch, p.snapshot!.slice("/media/".length)))));
  }
  await rm(scratch, { recursive: true, force: true });
  t0 = performance.now();
  let bytes = 0;
  const rows: { path: string; sha256: string }[] = [];
  const hashes = createMediaHashesRepository(db);
  for (let i = 0; i < MEDIA_FILES; i++) {
    const rel = `cam-${i % 40}/2026-12-${String(1 + (i % 28)).padStart(2, "0")}`;
    if (i < 40 * 28) await mkdir(path.join(mediaDir, rel), { recursive: true });
    const data = Buffer.concat([samples[i % samples.length]!, Buffer.from(`vigil-bench-${i}`)]);
    await writeFile(path.join(mediaDir, rel, `${i}.jpg`), data);
    bytes += data.length;
    rows.push({ path: `/media/${rel}/${i}.jpg`, sha256: createHash("sha256").update(data).digest("hex") });
    if (rows.length === 10_000) await hashes.record(rows.splice(0));
  }
  await hashes.record(rows.splice(0));
  console.log(`set-up: ${MEDIA_FILES} evidence files, ${(bytes / MEDIA_FILES / 1024).toFixed(1)} KiB mean, ${(bytes / 1e9).toFixed(2)} GB, written in ${secs(t0)} s`);

  const problems: unknown[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const audit = await verifyAuditChain(db, { onProblem: (p) => problems.push(p) });
  const auditS = (performance.now() - start) / 1000;
  const m0 = performance.now();
  const media = await verifyMediaHashes({ mediaDir, hashes, onProblem: (p) => problems.push(p) });
  const mediaS = (performance.now() - m0) / 1000;
  const total = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (audit.rows !== AUDIT_ROWS || media.files !== MEDIA_FILES || problems.length) throw new Error(`unexpected result: ${audit.rows} rows, ${media.files} files, ${problems.length} problems`);
  console.log(`audit chain: ${audit.rows} rows verified in ${auditS.toFixed(1)} s (${Math.round(audit.rows / auditS)} rows/s)`);
  console.log(`evidence: ${media.files} files, ${(media.bytes / 1e9).toFixed(2)} GB verified in ${mediaS.toFixed(1)} s (${Math.round(media.bytes / 1e6 / mediaS)} MB/s, warm page cache)`);
  console.log(`total ${total.toFixed(1)} s (verify process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s) — target ≤ 60 s: ${total <= 60 ? "PASS" : "MISS"}`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")}`);
} finally {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await rm(mediaDir, { recursive: true, force: true });
}
