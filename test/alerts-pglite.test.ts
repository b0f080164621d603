import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { createPgliteDatabase, migrate, startAlerts } from "@vigil/alerts";
import { ADMIN_PASSWORD, api, login, plateEvent, testAlertsConfig, waitUntil } from "./alerts-harness.js";
import { connectTestMqtt, uniqueTopicPrefix } from "./support/mqtt.js";

// `npm start` without DATABASE_URL runs the alert service on embedded PGlite with the same migrations.
const dir = mkdtempSync(join(tmpdir(), "vigil-pglite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("alert service on PGlite", () => {
  it("migrates, stores a read from MQTT, finds it by exact and fuzzy search, and keeps it across a restart", async () => {
    const db = await createPgliteDatabase(dir);
    const prefix = uniqueTopicPrefix("pglite");
    const service = await startAlerts({ config: testAlertsConfig(prefix), logger: createLogger({ name: "t", level: "silent" }), db });
    const mqtt = await connectTestMqtt();
    try {
      const ev = plateEvent({ plate: "51F12345", display: "51F-123.45" });
      await mqtt.publishAsync(`${prefix}/events/plate`, JSON.stringify(ev), { qos: 1 });
      const { token } = await login(service.url, "admin", ADMIN_PASSWORD);
      const search = (q: string, match: string) => api(service.url, "GET", `/api/v1/plates?q=${q}&match=${match}&reason=pglite%20test`, { token });
      await waitUntil(async () => (await search("51F12345", "exact")).body.items.length === 1, 10_000, "the read to be stored");
      expect((await search("51F12345", "exact")).body.items[0]).toMatchObject({ id: ev.id, display: "51F-123.45", cameraId: "cam-1" });
      expect((await search("51FL2345", "fuzzy")).body.items.map((r: { id: string }) => r.id)).toEqual([ev.id]);
      expect((await search("1234", "contains")).body.items).toHaveLength(1);
      const wl = await api(service.url, "POST", "/api/v1/watchlist", { token, body: { plate: "51F-123.45", reason: "pglite", priority: "high" } });
      expect(wl.body.pastHits).toBe(1);
    } finally {
      await mqtt.endAsync();
      await service.close();
      await db.close();
    }
    const reopened = await createPgliteDatabase(dir);
    try {
      expect((await migrate(reopened)).applied).toEqual([]);
      const { rows } = await reopened.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads");
      expect(rows[0]!.n).toBe(1);
      const parts = await reopened.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'plate_reads'");
      expect(parts.rows[0]!.n).toBeGreaterThanOrEqual(8); // DEFAULT + yesterday, today and 7 days ahead
    } finally {
      await reopened.close();
    }
  });

  it("applies a migration numbered below one already applied (branches merged out of order)", async () => {
    const migrations = mkdtempSync(join(tmpdir(), "vigil-migrations-"));
    const db = await createPgliteDatabase(mkdtempSync(join(tmpdir(), "vigil-pglite-order-")));
    try {
      writeFileSync(join(migrations, "001_a.sql"), "CREATE TABLE a (x int);");
      writeFileSync(join(migrations, "003_c.sql"), "CREATE TABLE c (x int);");
      expect((await migrate(db, `${migrations}/`)).applied).toEqual(["001_a.sql", "003_c.sql"]);
      writeFileSync(join(migrations, "002_b.sql"), "CREATE TABLE b (x int);");
      expect(await migrate(db, `${migrations}/`)).toEqual({ applied: ["002_b.sql"], current: 3 });
      expect((await migrate(db, `${migrations}/`)).applied).toEqual([]);
      await db.query("SELECT x FROM b");
    } finally {
      await db.close();
      rmSync(migrations, { recursive: true, force: true });
    }
  });
});
