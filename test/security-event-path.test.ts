import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cameraConfigSchema, type PlateEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createPgDatabase, migrate, type Database } from "@vigil/alerts";
import { createBatchWriter } from "../services/alerts/src/consumer/batch-writer.js";
import { EventRejectedError } from "../services/alerts/src/consumer/event-rejected.js";
import { createPartitionManager } from "../services/alerts/src/storage/partitions.js";
import { createPlateReadsRepository } from "../services/alerts/src/storage/plate-reads-repository.js";
import { classifyStorageError } from "../services/alerts/src/storage/storage-errors.js";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness, METRICS_TOKEN } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";

// Issue 15, findings 1, 2 and 4, as an attacker with broker access would try them against the real
// service (PostgreSQL + Mosquitto): one poison event must not stop storage or fire alerts, and nobody
// who can publish may write evidence the system did not make.
let h: AlertsHarness;
let mqtt: MqttClient;
let admin: string;
let deadLetters: Awaited<ReturnType<typeof collectMessages>>;
let alertsOut: Awaited<ReturnType<typeof collectMessages>>;

const CAMERA = "gate-1";
const plateTopic = () => `${h.prefix}/events/plate`;
const fireTopic = () => `${h.prefix}/events/fire`;
const publish = (topic: string, body: unknown) => mqtt.publishAsync(topic, JSON.stringify(body), { qos: 1 });
const read = (over: Record<string, unknown> = {}) => plateEvent({ cameraId: CAMERA, ...over }) as PlateEvent;
const fire = (over: Record<string, unknown> = {}) => ({
  schemaVersion: 1, id: crypto.randomUUID(), cameraId: CAMERA, ts: new Date().toISOString(), kind: "fire", confidence: 0.9,
  boxes: [{ bbox: [0.2, 0.2, 0.2, 0.2], confidence: 0.9 }], confirmedFrames: 3, ...over,
});
const rowsOf = async (id: string) =>
  (await h.db.query<{ plate: string; display: string; camera_id: string; revision: number; snapshot: string | null }>("SELECT plate, display, camera_id, revision, snapshot FROM plate_reads WHERE id = $1", [id])).rows;
const partitions = async () =>
  (await h.db.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'plate_reads'")).rows.map((r) => r.name);
const fireAlertFor = async (eventId: string) => (await h.db.query("SELECT id FROM alerts WHERE event_id = $1", [eventId])).rows.length > 0;
const deadLetterFor = (id: string) => deadLetters.json<{ reason: string; payload: string }>().find((d) => d.payload.includes(id));
const metric = async (name: string) => {
  const text = (await api<string>(h.base, "GET", "/metrics", { token: METRICS_TOKEN })).body;
  return Number(new RegExp(`^${name.replace(/[{}"]/g, "\\$&")} (\\d+)`, "m").exec(text)?.[1] ?? 0);
};
/** Published, dead-lettered with a reason matching `reason`, never stored. */
async function expectDeadLettered(event: { id: string }, topic: string, reason: RegExp): Promise<void> {
  await publish(topic, event);
  await deadLetters.waitFor(() => Boolean(deadLetterFor(event.id)));
  expect(deadLetterFor(event.id)!.reason).toMatch(reason);
}

beforeAll(async () => {
  h = await startAlertsHarness(
    "evpath",
    { acceptUnknownCameras: false, writerStallMs: 2_000, alertCooldownMs: 0 },
    { cameras: [cameraConfigSchema.parse({ id: CAMERA, name: "Gate 1", url: "rtsp://10.0.0.1/a", lat: 10.77, lon: 106.7 })] },
  );
  mqtt = await connectTestMqtt();
  deadLetters = await collectMessages(mqtt, `${h.prefix}/deadletter`);
  alertsOut = await collectMessages(mqtt, `${h.prefix}/alerts`);
  admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
});
afterAll(async () => {
  await mqtt?.endAsync();
  await h?.close();
});

describe("finding 1: a poison event cannot jam the event path", () => {
  it("dead-letters ts 9999-12-31T23:59:59Z, keeps storing later reads and raises a later fire alert", async () => {
    const poison = read({ ts: "9999-12-31T23:59:59Z", plate: "51F99999", display: "51F-999.99" });
    await expectDeadLettered(poison, plateTopic(), /ts 9999-12-31T23:59:59Z is outside the accepted window/);
    const later = Array.from({ length: 20 }, (_, i) => read({ plate: `30E${10_000 + i}`, display: `30E-${String(10_000 + i).slice(0, 3)}.${String(10_000 + i).slice(3)}` }));
    for (const e of later) await publish(plateTopic(), e);
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = ANY($1)", [later.map((e) => e.id)])).rows.length === later.length, 10_000, "later reads stored");
    const flame = fire();
    await publish(fireTopic(), flame);
    await waitUntil(() => fireAlertFor(flame.id), 10_000, "the fire alert");
    await alertsOut.waitFor((m) => m.some((x) => x.payload.toString().includes(flame.id)));
    expect(await rowsOf(poison.id)).toEqual([]);
    expect((await partitions()).filter((p) => p.startsWith("plate_reads_p9999"))).toEqual([]);
    // Acknowledged after dead-lettering: a restart's persistent session has nothing to redeliver.
    await waitUntil(() => h.service.consumer.heldAcks() === 0, 5_000, "every message acknowledged");
    expect((await api(h.base, "GET", "/readyz")).status).toBe(200);
  });

  it("bisects a batch the database refuses (the year-9999 partition): the rest commits, only the poison is rejected", async () => {
    // Straight against the repository and writer, without the consumer's time window, as before the fix.
    const testDb: TestDatabase = await createTestDatabase("evpath-bisect");
    const db: Database = createPgDatabase(testDb.url);
    try {
      await migrate(db);
      const repo = createPlateReadsRepository(db, createPartitionManager(db));
      const writer = createBatchWriter<PlateEvent>({ write: (b) => repo.insertBatch(b), classify: classifyStorageError, maxRows: 50, maxWaitMs: 20, logger: createLogger({ name: "t", level: "silent" }) });
      const events = Array.from({ length: 30 }, (_, i) => read({ plate: `51K${10_000 + i}`, display: `51K${10_000 + i}`, ...(i === 17 ? { ts: "9999-12-31T23:59:59Z" } : {}) }));
      const outcomes = await Promise.allSettled(events.map((e) => writer.add(e)));
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(29);
      const refused = outcomes[17] as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(EventRejectedError);
      expect((refused.reason as EventRejectedError).reason).toMatch(/time zone displacement out of range/);
      expect(Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n)).toBe(29);
      await writer.close();
    } finally {
      await db.close();
      await testDb.drop();
    }
  });

  it("reports a stuck writer on /readyz, and fire alerts never wait behind plate storage", async () => {
    // Plate storage blocked (a lock on plate_reads) while more plate events arrive than the broker
    // lets one connection hold unacknowledged (receive maximum 5,000).
    const locker = new pg.Client({ connectionString: h.testDb.url });
    await locker.connect();
    let locked = true;
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE plate_reads IN ACCESS EXCLUSIVE MODE");
      const jammed = Array.from({ length: 5_400 }, (_, i) => read({ plate: `60C${String(i).padStart(5, "0")}`, display: `60C${String(i).padStart(5, "0")}` }));
      for (let i = 0; i < jammed.length; i += 500) await Promise.all(jammed.slice(i, i + 500).map((e) => publish(plateTopic(), e)));
      const flame = fire({ kind: "smoke", confidence: 0.95 });
      await publish(fireTopic(), flame);
      await waitUntil(() => fireAlertFor(flame.id), 10_000, "the fire alert while plate storage is stuck");

      await waitUntil(async () => (await api(h.base, "GET", "/readyz")).status === 503, 10_000, "readiness to report the stuck writer");
      const ready = await api(h.base, "GET", "/readyz");
      expect(ready.body).toMatchObject({ status: "not_ready", database: true, broker: true, writer: { pending: expect.any(Number), stalledS: expect.any(Number) } });
      expect(ready.body.writer.pending).toBeGreaterThan(0);

      await locker.query("COMMIT");
      locked = false;
      await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = ANY($1)", [jammed.map((e) => e.id)])).rows.length === jammed.length, 60_000, "the backlog stored");
      await waitUntil(async () => (await api(h.base, "GET", "/readyz")).status === 200, 10_000, "ready again");
    } finally {
      if (locked) await locker.query("ROLLBACK").catch(() => undefined);
      await locker.end();
    }
  }, 120_000);
});

describe("finding 2: publishing on the broker does not write evidence", () => {
  it("dead-letters ts in 1970 and 2099 and creates no partition for them", async () => {
    await expectDeadLettered(read({ ts: "1970-01-01T00:00:00Z" }), plateTopic(), /ts 1970-01-01T00:00:00Z is outside the accepted window/);
    await expectDeadLettered(read({ ts: "2099-12-31T12:00:00Z" }), plateTopic(), /ts 2099-12-31T12:00:00Z is outside/);
    await expectDeadLettered(fire({ ts: "2099-12-31T12:00:00Z" }), fireTopic(), /outside the accepted window/);
    const names = await partitions();
    expect(names).not.toContain("plate_reads_p19700101");
    expect(names).not.toContain("plate_reads_p20991231");
    expect(await metric('vigil_alerts_dead_letters_total{kind="plate",reason="ts_out_of_window"}')).toBeGreaterThanOrEqual(2);
  });

  it("dead-letters plate and fire events from an unknown camera, and admits one once it is registered", async () => {
    const rogue = read({ cameraId: "rogue-cam" });
    await expectDeadLettered(rogue, plateTopic(), /camera "rogue-cam" is not registered/);
    const rogueFire = fire({ cameraId: "rogue-cam" });
    await expectDeadLettered(rogueFire, fireTopic(), /not registered/);
    expect(await rowsOf(rogue.id)).toEqual([]);
    expect(await fireAlertFor(rogueFire.id)).toBe(false);
    expect((await api(h.base, "POST", "/api/v1/cameras/rogue-cam", { token: admin, body: { name: "Now registered", url: "rtsp://10.0.0.9/a", lat: 10, lon: 106 } })).status).toBe(201);
    const welcome = read({ cameraId: "rogue-cam" });
    await publish(plateTopic(), welcome);
    await waitUntil(async () => (await rowsOf(welcome.id)).length === 1, 10_000, "the registered camera's read");
  });

  it("dead-letters a display that does not read as the plate", async () => {
    const liar = read({ plate: "51F12345", display: "99Z-999.99" });
    await expectDeadLettered(liar, plateTopic(), /display "99Z-999.99" reads as 99Z99999, not as plate 51F12345/);
    expect(await rowsOf(liar.id)).toEqual([]);
  });

  it("dead-letters an external snapshot URL", async () => {
    const external = read({ snapshot: "https://evil.example/plate.jpg" });
    await expectDeadLettered(external, plateTopic(), /snapshot must be a \/media\/… path/);
    await expectDeadLettered(read({ crop: "//evil.example/crop.jpg" }), plateTopic(), /crop must be a \/media\/… path/);
    expect(await rowsOf(external.id)).toEqual([]);
  });

  it("never lets a re-sent id + ts overwrite a stored read; a revision appends", async () => {
    const original = read({ plate: "51F12345", display: "51F-123.45", snapshot: "/media/gate-1/2026-12-03/a.jpg" });
    await publish(plateTopic(), original);
    await waitUntil(async () => (await rowsOf(original.id)).length === 1, 10_000, "the original read");
    const duplicatesBefore = await metric("vigil_alerts_plate_reads_duplicate_total");
    await publish(plateTopic(), { ...original, plate: "99Z99999", display: "99Z-999.99" });
    await publish(plateTopic(), { ...original, plate: "99Z99998", display: "99Z-999.98", revision: 0 });
    await waitUntil(async () => (await metric("vigil_alerts_plate_reads_duplicate_total")) >= duplicatesBefore + 2, 10_000, "the copies counted as duplicates");
    expect(await rowsOf(original.id)).toEqual([{ plate: "51F12345", display: "51F-123.45", camera_id: CAMERA, revision: 0, snapshot: "/media/gate-1/2026-12-03/a.jpg" }]);

    // Another registered camera cannot revise it either.
    await publish(plateTopic(), { ...original, cameraId: "rogue-cam", plate: "99Z99997", display: "99Z-999.97", revision: 4 });
    await waitUntil(async () => (await metric("vigil_alerts_plate_reads_duplicate_total")) >= duplicatesBefore + 3, 10_000, "the cross-camera revision ignored");
    expect((await rowsOf(original.id))[0]).toMatchObject({ plate: "51F12345", revision: 0 });

    // The camera's own better reading becomes current; what was read first stays on record.
    await publish(plateTopic(), { ...original, plate: "51F12346", display: "51F-123.46", revision: 1 });
    await waitUntil(async () => (await rowsOf(original.id))[0]?.revision === 1, 10_000, "the revision");
    const history = await h.db.query<{ plate: string; revision: number }>("SELECT plate, revision FROM plate_read_revisions WHERE id = $1", [original.id]);
    expect(history.rows).toEqual([{ plate: "51F12345", revision: 0 }]);
  });
});

describe("finding 4: evidence paths cannot forge an operator's audit trail", () => {
  it("dead-letters a snapshot that is an API call, on plate and fire events", async () => {
    const forged = read({ snapshot: "/api/v1/plates?q=51F12345&reason=FORGED" });
    await expectDeadLettered(forged, plateTopic(), /snapshot must be a \/media\/… path of this system, got "\/api\/v1\/plates\?q=51F12345&reason=FORGED"/);
    const traversal = read({ crop: "/media/../api/v1/plates?q=51F12345&reason=FORGED" });
    await expectDeadLettered(traversal, plateTopic(), /crop must be a \/media\/… path/);
    const forgedFire = fire({ snapshot: "/api/v1/plates?q=51F12345&reason=FORGED" });
    await expectDeadLettered(forgedFire, fireTopic(), /snapshot must be a \/media\/… path/);
    expect(await rowsOf(forged.id)).toEqual([]);
    expect(await fireAlertFor(forgedFire.id)).toBe(false);
    const stored = await h.db.query("SELECT 1 FROM plate_reads WHERE snapshot NOT LIKE '/media/%' OR crop NOT LIKE '/media/%'");
    expect(stored.rows).toEqual([]);
  });
});
