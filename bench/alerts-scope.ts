// What unit scoping costs (#18): plate search, the alert list and the shift report for a province
// user (sees everything: no SQL filter), a district user (11 units) and a commune user (1 unit), the
// same queries for each, on ~100,000 plate reads and 20,000 alerts over 7 days. The tree: the province
// with 20 cameras of its own, 10 districts × 10 communes, 2 cameras per commune (220 cameras);
// one watchlist entry per district, whose hits any camera may raise.
// Target (issue #18): scoping costs ≤ 10 % — the commune's p95 against the province's.
//   npx tsx bench/alerts-scope.ts        ROWS=100000 ALERTS=20000 QUERIES=2000  REBUILD=1 to rebuild
import { buildUnitTree, ROOT_UNIT_ID, type Unit } from "@vigil/contracts";
import { createPgDatabase } from "../services/alerts/src/storage/database.js";
import { migrate } from "../services/alerts/src/storage/migrate.js";
import { createPartitionManager } from "../services/alerts/src/storage/partitions.js";
import { createPlateReadsRepository } from "../services/alerts/src/storage/plate-reads-repository.js";
import { createAlertsRepository } from "../services/alerts/src/storage/alerts-repository.js";
import { createShiftReportRepository } from "../services/alerts/src/storage/shift-report-repository.js";
import { reportUnits } from "../services/alerts/src/reports/shift-report.js";
import { ensureDatabase, percentiles } from "./alerts-bench-util.js";

const ROWS = Number(process.env.ROWS ?? 100_000);
const ALERTS = Number(process.env.ALERTS ?? 20_000);
const QUERIES = Number(process.env.QUERIES ?? 2000); // p95 of ~1 ms queries moves ±15 % run to run at 1000
const DAYS = 7;
const DAY_MS = 86_400_000;
const DISTRICTS = 10;
const COMMUNES = 10;
const ROOT_CAMERAS = 20;
const CAMERAS = ROOT_CAMERAS + DISTRICTS * COMMUNES * 2;
const VEHICLES = Math.max(1000, Math.floor(ROWS / 5));
const DB_NAME = `vigil_bench_scope_${ROWS}_${ALERTS}`;
const LETTERS = "ABCDEFGHKLMNPSTUVXYZ";

const districtId = (d: number) => `huyen-${d}`;
const communeId = (d: number, c: number) => `xa-${d}-${c}`;
/** cam-0..19: the province's; then two per commune in order. */
const cameraUnit = (i: number) => (i < ROOT_CAMERAS ? ROOT_UNIT_ID : communeId(Math.floor((i - ROOT_CAMERAS) / 2 / COMMUNES), Math.floor((i - ROOT_CAMERAS) / 2) % COMMUNES));

const url = await ensureDatabase(DB_NAME, process.env.REBUILD === "1");
const db = createPgDatabase(url, { max: 4 });
await migrate(db);
const partitions = createPartitionManager(db);
const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const start = end - DAYS * DAY_MS;

const units: Unit[] = [{ id: ROOT_UNIT_ID, name: "Công an tỉnh", parentId: null }];
for (let d = 0; d < DISTRICTS; d++) {
  units.push({ id: districtId(d), name: `Công an huyện ${d}`, parentId: ROOT_UNIT_ID });
  for (let c = 0; c < COMMUNES; c++) units.push({ id: communeId(d, c), name: `Công an xã ${d}-${c}`, parentId: districtId(d) });
}
const tree = buildUnitTree(units);

const count = Number((await db.query<{ n: number }>("SELECT count(*)::bigint AS n FROM plate_reads")).rows[0]!.n);
const alertCount = Number((await db.query<{ n: number }>("SELECT count(*)::bigint AS n FROM alerts")).rows[0]!.n);
if (count !== ROWS || alertCount !== ALERTS) {
  const t0 = performance.now();
  console.log(`building ${ROWS.toLocaleString()} plate reads and ${ALERTS.toLocaleString()} alerts at ${CAMERAS} cameras of ${units.length} units…`);
  await db.exec("TRUNCATE plate_reads, alerts CASCADE");
  await db.exec("DELETE FROM watchlist; DELETE FROM cameras; DELETE FROM units WHERE id <> 'root'");
  for (const u of units.slice(1)) await db.query("INSERT INTO units (id, name, parent_id) VALUES ($1, $2, $3)", [u.id, u.name, u.parentId]);
  for (let i = 0; i < CAMERAS; i++) {
    const unitId = cameraUnit(i);
    const config = { id: `cam-${i}`, name: `Camera ${i}`, url: `rtsp://127.0.0.1:8554/cam-${i}`, lat: 21, lon: 105.8, ...(unitId === ROOT_UNIT_ID ? {} : { unitId }) };
    await db.query("INSERT INTO cameras (id, config) VALUES ($1, $2)", [config.id, config]);
  }
  for (let d = 0; d < DISTRICTS; d++) {
    await db.query(
      "INSERT INTO watchlist (id, plate, plate_folded, display, reason, priority, created_by, unit_id) VALUES (gen_random_uuid(), $1, $1, $1, 'bench', 'high', 'bench', $2)",
      [`30A${String(10000 + d)}`, districtId(d)],
    );
  }
  await partitions.ensureFor(Array.from({ length: DAYS + 1 }, (_, i) => start + i * DAY_MS));
  await db.query(
    `INSERT INTO plate_reads (id, ts, camera_id, plate, plate_folded, display, rows, confidence, bbox, frames, revision, unit_id)
     SELECT gen_random_uuid(), to_timestamp(($2::float8 + g::float8 * $3::float8) / 1000), c.id,
            p.plate, translate(p.plate, 'ODQILJZASGTB', '000111245678'), p.plate, 1, 0.9, '{0.1,0.1,0.2,0.05}', 4, 0,
            COALESCE(c.config->>'unitId', 'root') -- the camera's unit, as insertBatch stores it (migration 029)
       FROM generate_series(0, $4::bigint - 1) g
       JOIN cameras c ON c.id = 'cam-' || ((g * 7) % $6),
       LATERAL (SELECT ((g * 7919) % $1) AS v) v,
       LATERAL (SELECT (11 + v.v % 89)::text || substr($5, (1 + (v.v / 89) % 20)::int, 1) || lpad(((v.v * 31337) % 100000)::text, 5, '0') AS plate) p`,
    [VEHICLES, start, (DAYS * DAY_MS) / ROWS, ROWS, LETTERS, CAMERAS],
  );
  await db.exec("INSERT INTO plate_keys (plate, plate_folded) SELECT DISTINCT plate, plate_folded FROM plate_reads ON CONFLICT DO NOTHING");
  // Alerts: every fourth a watchlist hit on one district's entry (at any camera), the rest fire, smoke, camera offline.
  await db.query(
    `INSERT INTO alerts (id, type, severity, camera_id, ts, raised_at, state, watchlist_id, plate, display)
     SELECT gen_random_uuid(), t.type, CASE WHEN t.type = 'fire' THEN 'critical' ELSE 'high' END, 'cam-' || ((g * 13) % $4),
            to_timestamp(($2::float8 + g::float8 * $3::float8) / 1000), to_timestamp(($2::float8 + g::float8 * $3::float8) / 1000),
            (ARRAY['new', 'acknowledged', 'resolved', 'resolved'])[1 + g % 4],
            CASE WHEN t.type = 'watchlist_hit' THEN (SELECT id FROM watchlist ORDER BY plate OFFSET (g / 4) % $5 LIMIT 1) END,
            CASE WHEN t.type = 'watchlist_hit' THEN '30A10000' END, CASE WHEN t.type = 'watchlist_hit' THEN '30A-100.00' END
       FROM generate_series(0, $1::bigint - 1) g,
       LATERAL (SELECT (ARRAY['watchlist_hit', 'fire', 'smoke', 'camera_offline'])[1 + g % 4] AS type) t`,
    [ALERTS, start, (DAYS * DAY_MS) / ALERTS, CAMERAS, DISTRICTS],
  );
  // As autovacuum leaves a past day's partition (its insert threshold): statistics, and pages marked
  // all-visible, so index-only scans (migration 028) need no heap.
  await db.exec("VACUUM ANALYZE");
  console.log(`built in ${Math.round((performance.now() - t0) / 1000)} s`);
}

const reads = createPlateReadsRepository(db, partitions);
const alerts = createAlertsRepository(db);
const reports = createShiftReportRepository(db);

/** A province user (no filter), a district's (its 11 units), a commune's (1 unit): what requestScope hands the repositories. */
const scopes: Array<{ who: string; units: string[] | null }> = [
  { who: "province", units: null },
  { who: "district", units: [...tree.subtree(districtId(3))] },
  { who: "commune", units: [communeId(3, 4)] },
];
// Plates read at the commune's cameras, so each user's search finds something (the province more of it).
const communeCameras = Array.from({ length: CAMERAS }, (_, i) => i).filter((i) => cameraUnit(i) === communeId(3, 4)).map((i) => `cam-${i}`);
const plates = (await db.query<{ plate: string }>("SELECT DISTINCT plate FROM plate_reads WHERE camera_id = ANY($1) LIMIT $2", [communeCameras, QUERIES])).rows.map((r) => r.plate);

/**
 * Each scope's p50 / p95 for one kind of query. The scopes take turns query by query (province,
 * district, commune, then the next query), so a slow spell of the machine falls on all three alike
 * rather than on whichever scope was being measured then.
 */
async function measure(run: (units: string[] | null, i: number) => Promise<number>): Promise<Array<{ p50: number; p95: number; rows: number }>> {
  for (let i = 0; i < 10; i++) for (const s of scopes) await run(s.units, i);
  const ms = scopes.map(() => [] as number[]);
  const rows = scopes.map(() => 0);
  for (let i = 0; i < QUERIES; i++) {
    for (const [k, s] of scopes.entries()) {
      const t = performance.now();
      rows[k]! += await run(s.units, i);
      ms[k]!.push(performance.now() - t);
    }
  }
  return ms.map((m, k) => {
    const p = percentiles(m);
    return { p50: p.p50, p95: p.p95, rows: rows[k]! / QUERIES };
  });
}

const kinds: Array<{ name: string; run: (units: string[] | null, i: number) => Promise<number> }> = [
  { name: "plate search, exact (7 days)", run: async (units, i) => (await reads.search({ q: plates[i % plates.length]!, match: "exact", limit: 50, fuzzyThreshold: 0.8, units })).items.length },
  {
    name: "plate browse, one day (no q)",
    run: async (units, i) => {
      const day = start + (i % DAYS) * DAY_MS;
      return (await reads.search({ match: "exact", from: new Date(day).toISOString(), to: new Date(day + DAY_MS).toISOString(), limit: 50, fuzzyThreshold: 0.8, units })).items.length;
    },
  },
  {
    name: "plate search, contains %NNN% (7 days)",
    run: async (units, i) => (await reads.search({ q: String(100 + ((i * 37) % 900)), match: "contains", limit: 50, fuzzyThreshold: 0.8, units })).items.length,
  },
  { name: "alert list (queue order, 100)", run: async (units) => (await alerts.list({ limit: 100, units, withSystem: false })).length },
  {
    name: "shift report (8 h)",
    run: async (units, i) => {
      const from = start + (i % (DAYS * 3)) * 8 * 3_600_000;
      // reportUnits: the root's report reads everything; a unit's, its subtree.
      const filter = units === null ? reportUnits(tree, ROOT_UNIT_ID) : units;
      return (await reports.alerts(filter, new Date(from).toISOString(), new Date(from + 8 * 3_600_000).toISOString())).length;
    },
  },
];

const load = (await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" / ");
console.log(`\n${ROWS.toLocaleString()} plate reads, ${ALERTS.toLocaleString()} alerts, ${CAMERAS} cameras, ${units.length} units; ${QUERIES} queries per line; load ${load}`);
console.log(`${"query".padEnd(38)} ${scopes.map((s) => `${s.who} p50 / p95 (rows)`.padEnd(30)).join("")}commune vs province p95`);
for (const kind of kinds) {
  const results = await measure(kind.run);
  const [province, , commune] = results;
  const overhead = ((commune!.p95 - province!.p95) / province!.p95) * 100;
  console.log(
    `${kind.name.padEnd(38)} ${results.map((r) => `${r.p50} / ${r.p95} ms (${r.rows.toFixed(1)})`.padEnd(30)).join("")}${overhead >= 0 ? "+" : ""}${overhead.toFixed(0)} % ${overhead <= 10 ? "(≤ 10 %: PASS)" : "(> 10 %: MISS)"}`,
  );
}
await db.close();
