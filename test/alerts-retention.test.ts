import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlateEvent } from "@vigil/contracts";
import { createPgDatabase, migrate, type Database } from "@vigil/alerts";
import { createPartitionManager, partitionName, utcDayStart } from "../services/alerts/src/storage/partitions.js";
import { createPlateReadsRepository } from "../services/alerts/src/storage/plate-reads-repository.js";
import { plateEvent } from "./alerts-harness.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";

// Native day partitioning of plate_reads: partitions ahead, on demand for late/early events, retention.
const DAY = 86_400_000;
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase("retention");
  db = createPgDatabase(testDb.url);
  await migrate(db);
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

const partitionsOf = async () =>
  (await db.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'plate_reads' ORDER BY 1")).rows.map((r) => r.name);

describe("plate_reads partitions", () => {
  it("creates today and 7 days ahead, stores late and early events in their own day partitions, drops what retention excludes", async () => {
    const now = Date.now();
    const partitions = createPartitionManager(db);
    await partitions.createAhead(now);
    const names = await partitionsOf();
    for (let d = 0; d <= 7; d++) expect(names).toContain(partitionName(utcDayStart(now) + d * DAY));
    expect(names).toContain("plate_reads_default");

    const repo = createPlateReadsRepository(db, createPartitionManager(db)); // a fresh cache, as after a restart
    const late = plateEvent({ ts: new Date(now - 200 * DAY).toISOString() }) as PlateEvent;
    const recent = plateEvent({ ts: new Date(now - 10 * DAY).toISOString() }) as PlateEvent;
    const early = plateEvent({ ts: new Date(now + 30 * DAY).toISOString() }) as PlateEvent;
    await repo.insertBatch([late, recent, early]);
    const where = async (id: string) => (await db.query<{ p: string }>("SELECT tableoid::regclass::text AS p FROM plate_reads WHERE id = $1", [id])).rows[0]?.p;
    expect(await where(late.id)).toBe(partitionName(utcDayStart(Date.parse(late.ts))));
    expect(await where(early.id)).toBe(partitionName(utcDayStart(Date.parse(early.ts))));

    const dropped = await partitions.applyRetention(90, now);
    expect(dropped).toContain(partitionName(utcDayStart(Date.parse(late.ts))));
    expect(await where(late.id)).toBeUndefined();
    expect(await where(recent.id)).toBeDefined();
    expect(await where(early.id)).toBeDefined();
    // A late read for a dropped day can still be stored (its partition is recreated on demand).
    await repo.insertBatch([plateEvent({ ts: new Date(now - 200 * DAY).toISOString() }) as PlateEvent]);
    expect(Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n)).toBe(3);
  });
});
