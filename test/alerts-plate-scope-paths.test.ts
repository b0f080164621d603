import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, migrate, type Database } from "@vigil/alerts";
import type { QueryOptions } from "../services/alerts/src/storage/database.js";
import { createPartitionManager } from "../services/alerts/src/storage/partitions.js";
import { createPlateReadsRepository, decodeCursor, type PlateReadsRepository, type PlateSearch } from "../services/alerts/src/storage/plate-reads-repository.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";

// A scoped plate search reads a scope of few cameras one unit at a time (#18, migration 029). That path must give
// what the plain query gives: the same rows, in the same order, page by page with the same cursors.
// Both run here on one seeded database, for every match mode, window, camera filter and scope.
const DAY = 86_400_000;
const STEP = 3 * 60_000;
let testDb: TestDatabase;
let db: Database;
/** Every SQL text a repository sent, to see which path it took. */
const sent = new Map<string, string[]>();

/** `db` recording the SQL of repository `name`. */
function recorded(name: string): Database {
  const texts: string[] = [];
  sent.set(name, texts);
  return {
    ...db,
    query<R>(sql: string, params?: unknown[], options?: QueryOptions) {
      texts.push(sql);
      return db.query<R>(sql, params, options);
    },
  };
}
/** Searches that read plate_reads one unit's range at a time: `unit_id = $n` (one unit) or `= su.unit` (several); the plain query filters with `= ANY`. */
const perUnitQueries = (name: string) => (sent.get(name) ?? []).filter((t) => /unit_id = (\$\d+|su\.unit)/.test(t)).length;

// The tree: root → huyen-1 (its own camera, xa-1 with 2, xa-2 with 1, xa-empty with none) and
// huyen-2 → xa-3 (2); the root has one camera with its unit written and one without (the default).
const CAMERAS: Array<{ id: string; unitId?: string }> = [
  { id: "cam-r0" },
  { id: "cam-r1", unitId: "root" },
  { id: "cam-a", unitId: "xa-1" },
  { id: "cam-b", unitId: "xa-1" },
  { id: "cam-c", unitId: "xa-2" },
  { id: "cam-d", unitId: "huyen-1" },
  { id: "cam-e", unitId: "xa-3" },
  { id: "cam-f", unitId: "xa-3" },
];
const SCOPES: Record<string, string[]> = {
  commune: ["xa-1"],
  "commune of one camera": ["xa-2"],
  district: ["huyen-1", "xa-1", "xa-2", "xa-empty"],
  "unit without cameras": ["xa-empty"],
  "other district": ["huyen-2", "xa-3"],
  "root's own cameras": ["root"],
  "unknown unit": ["nowhere"],
};
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  testDb = await createTestDatabase("platescope");
  db = createPgDatabase(testDb.url);
  await migrate(db);
  for (const [id, parent] of [["huyen-1", "root"], ["huyen-2", "root"], ["xa-1", "huyen-1"], ["xa-2", "huyen-1"], ["xa-empty", "huyen-1"], ["xa-3", "huyen-2"]]) {
    await db.query("INSERT INTO units (id, name, parent_id) VALUES ($1, $1, $2)", [id, parent]);
  }
  for (const c of CAMERAS) await db.query("INSERT INTO cameras (id, config) VALUES ($1, $2)", [c.id, { id: c.id, name: c.id, url: `rtsp://127.0.0.1:8554/${c.id}`, ...(c.unitId ? { unitId: c.unitId } : {}) }]);
  const partitions = createPartitionManager(db);
  await partitions.ensureFor([start - DAY, start, start + DAY, start + 2 * DAY, start + 3 * DAY]);
  // 1,500 reads over ~3 days from a day before `start`; three reads share each timestamp (ties broken
  // by id), at cameras taken in a stride so neighbours in time are at different cameras. Plates
  // 30A00000…, the letter one of ten, so prefixes and substrings of every selectivity match.
  await db.query(
    `INSERT INTO plate_reads (id, ts, camera_id, plate, plate_folded, display, rows, confidence, bbox, frames, revision, unit_id)
     SELECT gen_random_uuid(), to_timestamp(($1::float8 - 86400000 + (g / 3)::float8 * $2::float8) / 1000), ($3::text[])[1 + (g * 5) % $4],
            p.plate, p.plate, p.plate, 1, 0.9, '{0.1,0.1,0.2,0.05}', 4, 0,
            (SELECT COALESCE(c.config->>'unitId', 'root') FROM cameras c WHERE c.id = ($3::text[])[1 + (g * 5) % $4]) -- as insertBatch stores it
       FROM generate_series(0, 1499) g,
       LATERAL (SELECT '30' || substr('ABCDEFGHKL', 1 + (g * 3) % 10, 1) || lpad(((g * 7919) % 5000)::text, 5, '0') AS plate) p`,
    [start, STEP, CAMERAS.map((c) => c.id), CAMERAS.length],
  );
  await db.exec("INSERT INTO plate_keys (plate, plate_folded) SELECT DISTINCT plate, plate_folded FROM plate_reads ON CONFLICT DO NOTHING; ANALYZE");
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

type Search = Omit<PlateSearch, "cursor" | "units" | "limit" | "fuzzyThreshold">;
/** Every page of a search, following nextCursor to the end. */
async function pages(repo: PlateReadsRepository, s: PlateSearch) {
  const out: Awaited<ReturnType<PlateReadsRepository["search"]>>[] = [];
  let cursor: PlateSearch["cursor"];
  for (let i = 0; i < 1000; i++) {
    const page = await repo.search({ ...s, ...(cursor ? { cursor } : {}) });
    out.push(page);
    if (!page.nextCursor) break;
    cursor = decodeCursor(page.nextCursor) ?? undefined;
  }
  return out;
}

describe("scoped plate search: per-unit path vs plain query", () => {
  it("gives the same pages (rows, order, cursors) for every match mode, window, camera filter and scope", async () => {
    const plain = createPlateReadsRepository(recorded("plain"), createPartitionManager(db), { perUnitMaxUnits: 0 });
    const perUnit = createPlateReadsRepository(recorded("per-unit"), createPartitionManager(db), { perUnitMaxUnits: Infinity });
    const windowFrom = iso(start + DAY / 2);
    const windowTo = iso(start + 400 * STEP); // the timestamp of three reads: the bound is inclusive
    const searches: Record<string, Search> = {
      "browse, everything": { match: "exact" },
      "browse, a window": { match: "exact", from: windowFrom, to: windowTo },
      "browse, from only": { match: "exact", from: windowTo },
      "contains 12": { q: "12", match: "contains" },
      "contains 777 in a window": { q: "777", match: "contains", from: windowFrom, to: windowTo },
      "short prefix 30C": { q: "30C", match: "prefix" },
      "long prefix 30A1": { q: "30A1", match: "prefix" },
      "exact plate": { q: "30D04000", match: "exact" },
      fuzzy: { q: "30A0123", match: "fuzzy" },
      "browse, one camera": { match: "exact", cameraId: "cam-a" },
      "contains 1, one camera": { q: "1", match: "contains", cameraId: "cam-e" },
    };
    let rowsCompared = 0;
    for (const [scopeName, units] of Object.entries(SCOPES)) {
      for (const [searchName, search] of Object.entries(searches)) {
        for (const limit of [3, 50]) {
          const s: PlateSearch = { ...search, units, limit, fuzzyThreshold: 0.5 };
          const expected = await pages(plain, s);
          expect(await pages(perUnit, s), `${scopeName}, ${searchName}, limit ${limit}`).toEqual(expected);
          rowsCompared += expected.reduce((n, p) => n + p.items.length, 0);
        }
      }
    }
    expect(rowsCompared).toBeGreaterThan(5000);
    expect(perUnitQueries("plain")).toBe(0);
    // Browse, contains and the short prefix of each scope, without a camera filter (2 limits × 6 searches × 7 scopes, and their further pages).
    expect(perUnitQueries("per-unit")).toBeGreaterThan(2 * 6 * Object.keys(SCOPES).length);
  });

  it("pages through exactly the scope's reads (the cameras' units, not the stored copy), newest first, ties in id order", async () => {
    const perUnit = createPlateReadsRepository(db, createPartitionManager(db), { perUnitMaxUnits: Infinity });
    const plain = createPlateReadsRepository(db, createPartitionManager(db), { perUnitMaxUnits: 0 });
    let scopeRows = 0;
    for (const [scopeName, units] of Object.entries(SCOPES)) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT r.id FROM plate_reads r JOIN cameras c ON c.id = r.camera_id WHERE COALESCE(c.config->>'unitId', 'root') = ANY($1::text[])
          ORDER BY r.ts DESC, r.id DESC`,
        [units],
      );
      scopeRows += rows.length;
      for (const repo of [perUnit, plain]) {
        const got = (await pages(repo, { match: "exact", units, limit: 97, fuzzyThreshold: 0.8 })).flatMap((p) => p.items.map((r) => r.id));
        expect(got, scopeName).toEqual(rows.map((r) => r.id));
      }
    }
    expect(scopeRows).toBeGreaterThan(1500); // the seven scopes hold 11 cameras' reads (they overlap): ~2,060
  });

  it("reads per unit only up to the threshold, and only where the plain query walks the time index", async () => {
    const repo = createPlateReadsRepository(recorded("threshold-2"), createPartitionManager(db), { perUnitMaxUnits: 2 });
    const browse = { match: "exact" as const, limit: 10, fuzzyThreshold: 0.8 };
    await repo.search({ ...browse, units: SCOPES.commune! }); // 1 unit
    await repo.search({ ...browse, units: SCOPES["other district"]! }); // 2 units: a range each
    expect(perUnitQueries("threshold-2")).toBe(2);
    expect(sent.get("threshold-2")!.at(-1)).toContain("CROSS JOIN LATERAL");
    await repo.search({ ...browse, units: SCOPES.district! }); // 4 units
    await repo.search({ ...browse, units: null }); // everything: no filter at all
    await repo.search({ ...browse, q: "30D04000", units: SCOPES.commune! }); // exact: the plate index first
    await repo.search({ ...browse, units: SCOPES.commune!, cameraId: "cam-a" }); // one camera: its index range already
    expect(perUnitQueries("threshold-2")).toBe(2);
    const byDefault = createPlateReadsRepository(recorded("default"), createPartitionManager(db));
    await byDefault.search({ ...browse, q: "12", match: "contains", units: SCOPES.district! });
    expect(perUnitQueries("default")).toBe(1);
  });
});
