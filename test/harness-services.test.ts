import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { collectMessages, connectTestMqtt, uniqueTopicPrefix } from "./support/mqtt.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";

describe("test harness against the real local services", () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it("gives each caller its own fresh PostgreSQL database with pg_trgm available", async () => {
    const [a, b] = [await createTestDatabase("harness"), await createTestDatabase("harness")];
    dbs.push(a, b);
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      await client.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");
      const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'");
      expect(rows[0]!.n).toBe("0");
      const sim = await client.query<{ s: number }>("SELECT similarity('51F12345', '51F12346') AS s");
      expect(sim.rows[0]!.s).toBeGreaterThan(0.3);
    } finally {
      await client.end();
    }
  });

  it("isolates MQTT traffic by a unique topic prefix on the real Mosquitto", async () => {
    const [p1, p2] = [uniqueTopicPrefix("h"), uniqueTopicPrefix("h")];
    const sub = await connectTestMqtt();
    const pub = await connectTestMqtt();
    try {
      const inbox = await collectMessages(sub, `${p1}/#`);
      await pub.publishAsync(`${p2}/events/plate`, "other", { qos: 1 });
      await pub.publishAsync(`${p1}/events/plate`, JSON.stringify({ n: 1 }), { qos: 1 });
      await inbox.waitFor((m) => m.length >= 1, 5000);
      await new Promise((r) => setTimeout(r, 200));
      expect(inbox.json()).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all([sub.endAsync(), pub.endAsync()]);
    }
  });
});
