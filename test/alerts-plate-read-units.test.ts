import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlateEvent } from "@vigil/contracts";
import { createPgDatabase, migrate, type Database } from "@vigil/alerts";
import { createPartitionManager } from "../services/alerts/src/storage/partitions.js";
import { createPlateReadsRepository, type PlateSearch } from "../services/alerts/src/storage/plate-reads-repository.js";
import { plateEvent } from "./alerts-harness.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";

// plate_reads.unit_id (#18, migration 029) is a copy of the read's camera's unit that the scoped
// search reads instead of the cameras table. These tests hold the copy to the one truth,
// cameras.config.unitId: set by every insert, rewritten when a camera moves, appears or is removed,
// and right after a batch raced a move. A wrong copy would show a commune another commune's reads.
let testDb: TestDatabase;
let db: Database;

const camera = (id: string, unitId?: string, name = id) => ({ id, name, url: `rtsp://127.0.0.1:8554/${id}`, ...(unitId ? { unitId } : {}) });
const setCamera = (id: string, unitId?: string, name?: string) => db.query("UPDATE cameras SET config = $2 WHERE id = $1", [id, camera(id, unitId, name)]);
/** unit_id of every read of `cameraId`, as stored. */
async function unitsOf(cameraId: string): Promise<Array<string | null>> {
  const { rows } = await db.query<{ unit_id: string | null }>("SELECT DISTINCT unit_id FROM plate_reads WHERE camera_id = $1", [cameraId]);
  return rows.map((r) => r.unit_id);
}
/** Reads whose stored unit is not their camera's (as cameraUnitSql derives it; no camera: null). */
async function stale(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM plate_reads r LEFT JOIN cameras c ON c.id = r.camera_id
      WHERE r.unit_id IS DISTINCT FROM CASE WHEN c.id IS NULL THEN NULL ELSE COALESCE(c.config->>'unitId', 'root') END`,
  );
  return rows[0]!.n;
}
const reads = (cameraId: string, n: number, at = Date.now() - 3_600_000) =>
  Array.from({ length: n }, (_, i) => plateEvent({ cameraId, plate: `30A${String(10000 + i)}`, ts: new Date(at + i * 1000).toISOString() }) as PlateEvent);

beforeAll(async () => {
  testDb = await createTestDatabase("plateunits");
  db = createPgDatabase(testDb.url, { max: 8 });
  await migrate(db);
  for (const id of ["xa-1", "xa-2"]) await db.query("INSERT INTO units (id, name, parent_id) VALUES ($1, $1, 'root')", [id]);
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

describe("plate_reads.unit_id follows the camera's unit", () => {
  it("is set on insert, rewritten on a move, a late camera and a removal, and the per-unit search equals the plain one throughout", async () => {
    await db.query("INSERT INTO cameras (id, config) VALUES ('cam-a', $1), ('cam-b', $2)", [camera("cam-a", "xa-1"), camera("cam-b")]);
    const repo = createPlateReadsRepository(db, createPartitionManager(db));
    const perUnit = createPlateReadsRepository(db, createPartitionManager(db), { perUnitMaxUnits: Infinity });
    const plain = createPlateReadsRepository(db, createPartitionManager(db), { perUnitMaxUnits: 0 });
    const sameAnswers = async (units: string[]) => {
      const s: PlateSearch = { match: "exact", units, limit: 100, fuzzyThreshold: 0.8 };
      const got = await perUnit.search(s);
      expect(got).toEqual(await plain.search(s));
      return got.items.map((r) => r.cameraId);
    };

    await repo.insertBatch([...reads("cam-a", 5), ...reads("cam-b", 3), ...reads("cam-z", 2)]);
    expect(await unitsOf("cam-a")).toEqual(["xa-1"]);
    expect(await unitsOf("cam-b")).toEqual(["root"]); // no unit written: the root's
    expect(await unitsOf("cam-z")).toEqual([null]); // no such camera: in no unit's scope
    expect(new Set(await sameAnswers(["xa-1"]))).toEqual(new Set(["cam-a"]));

    await setCamera("cam-a", "xa-2"); // moved to another commune
    expect(await unitsOf("cam-a")).toEqual(["xa-2"]);
    expect(await sameAnswers(["xa-1"])).toEqual([]);
    expect(await sameAnswers(["xa-2"])).toHaveLength(5);

    await db.query("INSERT INTO cameras (id, config) VALUES ('cam-z', $1)", [camera("cam-z", "xa-1")]); // declared after its reads
    expect(await unitsOf("cam-z")).toEqual(["xa-1"]);
    expect(await sameAnswers(["xa-1"])).toEqual(["cam-z", "cam-z"]);

    await db.query("DELETE FROM cameras WHERE id = 'cam-b'");
    expect(await unitsOf("cam-b")).toEqual([null]);
    expect(await sameAnswers(["root"])).toEqual([]);

    // A change that keeps the unit (a rename) rewrites nothing: the rows keep their version.
    const before = await db.query<{ xmin: string }>("SELECT xmin::text FROM plate_reads WHERE camera_id = 'cam-a' ORDER BY id");
    await setCamera("cam-a", "xa-2", "Ngã tư mới");
    expect((await db.query<{ xmin: string }>("SELECT xmin::text FROM plate_reads WHERE camera_id = 'cam-a' ORDER BY id")).rows).toEqual(before.rows);

    // A later revision of a read keeps it in its camera's unit.
    const first = reads("cam-a", 1, Date.now() - 7_200_000)[0]!;
    await repo.insertBatch([first]);
    await repo.insertBatch([{ ...first, plate: "30A99999", display: "30A-999.99", revision: 1 }]);
    expect((await db.query("SELECT unit_id FROM plate_reads WHERE id = $1", [first.id])).rows).toEqual([{ unit_id: "xa-2" }]);
    expect(await stale()).toBe(0);
  });

  it("ends right when batches are written while their camera moves back and forth", async () => {
    await db.query("INSERT INTO cameras (id, config) VALUES ('cam-r', $1)", [camera("cam-r", "xa-1")]);
    const repo = createPlateReadsRepository(db, createPartitionManager(db));
    let moving = true;
    const mover = (async () => {
      let moves = 0;
      while (moving || moves < 20) {
        await setCamera("cam-r", moves % 2 ? "xa-1" : "xa-2");
        moves++;
      }
      return moves;
    })();
    // 6 writers × 15 batches of 40 reads, overlapping the moves (the pool has 8 connections).
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let b = 0; b < 15; b++) await repo.insertBatch(reads("cam-r", 40, Date.now() - (w * 15 + b) * 60_000));
    });
    await Promise.all(writers);
    moving = false;
    expect(await mover).toBeGreaterThanOrEqual(20);
    expect(Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads WHERE camera_id = 'cam-r'")).rows[0]!.n)).toBe(6 * 15 * 40);
    expect(await stale()).toBe(0);
  });
});
