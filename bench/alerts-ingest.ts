// Sustained plate-read ingest (target ≥ 20,000 reads/s):
//  1. straight through the batch writer into PostgreSQL (partitioned plate_reads with all its indexes);
//  2. end to end: Mosquitto → the alert service's consumer (validation, watchlist match, ack after commit).
//   npx tsx bench/alerts-ingest.ts      N=200000 npx tsx bench/alerts-ingest.ts
import { createHash, randomUUID } from "node:crypto";
import mqtt from "mqtt";
import type { PlateEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createPgDatabase } from "../services/alerts/src/storage/database.js";
import { migrate } from "../services/alerts/src/storage/migrate.js";
import { createPartitionManager } from "../services/alerts/src/storage/partitions.js";
import { createPlateReadsRepository } from "../services/alerts/src/storage/plate-reads-repository.js";
import { createBatchWriter } from "../services/alerts/src/consumer/batch-writer.js";
import { startAlerts } from "../services/alerts/src/app.js";
import { dropDatabase, ensureDatabase, verdict } from "./alerts-bench-util.js";
import { testAlertsConfig } from "../test/alerts-harness.js";

const N = Number(process.env.N ?? 100_000);
const N_MQTT = Number(process.env.N_MQTT ?? 20_000);
const logger = createLogger({ name: "bench", level: "warn" });
const LETTERS = "ABCDEFGHKLMNPSTUVXYZ";

function event(i: number): PlateEvent {
  const v = (i * 7919) % 500_000;
  const plate = `${11 + (v % 89)}${LETTERS[(v >> 3) % 20]}${String((v * 31337) % 100_000).padStart(5, "0")}`;
  return { schemaVersion: 1, id: randomUUID(), cameraId: `cam-${i % 40}`, ts: new Date(Date.now() - (i % 3_600_000)).toISOString(), plate, display: plate, rows: 1, confidence: 0.9, bbox: [0.1, 0.2, 0.1, 0.05], frames: 4, ...evidence(i) };
}

/** What a real read carries since #19: its evidence paths and their SHA-256 (EVIDENCE=0 leaves them out). */
function evidence(i: number): Partial<PlateEvent> {
  if (process.env.EVIDENCE === "0") return {};
  const id = randomUUID();
  const hex = (n: number) => createHash("sha256").update(`${i}:${n}`).digest("hex");
  return { snapshot: `/media/cam-${i % 40}/2026-12-04/${id}.jpg`, crop: `/media/cam-${i % 40}/2026-12-04/${id}-crop.jpg`, snapshotSha256: hex(1), cropSha256: hex(2) };
}

async function direct(maxRows: number, concurrency: number): Promise<number> {
  const name = "vigil_bench_ingest";
  const db = createPgDatabase(await ensureDatabase(name, true), { max: 4 });
  await migrate(db);
  const partitions = createPartitionManager(db);
  await partitions.createAhead();
  const repo = createPlateReadsRepository(db, partitions);
  const writer = createBatchWriter<PlateEvent>({ write: (b) => repo.insertBatch(b), maxRows, maxWaitMs: 10, concurrency, logger });
  const events = Array.from({ length: N }, (_, i) => event(i));
  const t = performance.now();
  await Promise.all(events.map((e) => writer.add(e)));
  const s = (performance.now() - t) / 1000;
  const stored = Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n);
  if (stored !== N) throw new Error(`stored ${stored} of ${N}`);
  await db.close();
  await dropDatabase(name);
  return N / s;
}

async function endToEnd(): Promise<number> {
  const name = "vigil_bench_ingest_e2e";
  const db = createPgDatabase(await ensureDatabase(name, true), { max: 4 });
  const prefix = `vigilbench/ingest-${randomUUID().slice(0, 8)}`;
  const service = await startAlerts({ config: testAlertsConfig(prefix, { batchMaxRows: 2000, batchConcurrency: 4 }), logger, db });
  const pubs = await Promise.all(Array.from({ length: 4 }, () => mqtt.connectAsync("mqtt://127.0.0.1:1883")));
  const payloads = Array.from({ length: N_MQTT }, (_, i) => JSON.stringify(event(i)));
  const t = performance.now();
  const stored = async () => Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n);
  // Publishers keep windows of QoS 1 publishes in flight, and pause while the service is more than
  // 3,000 reads behind: Mosquitto drops QoS 1 messages for a client whose queue (max_queued_messages,
  // 1000 by default) overflows, and the consumer holds at most 5,000 unacknowledged.
  const WINDOW = 1000;
  for (let i = 0; i < N_MQTT; i += WINDOW) {
    while (i - (await stored()) > 3_000) await new Promise((r) => setTimeout(r, 5));
    const slice = payloads.slice(i, i + WINDOW);
    await Promise.all(slice.map((body, j) => pubs[j % pubs.length]!.publishAsync(`${prefix}/events/plate`, body, { qos: 1 })));
  }
  const deadline = Date.now() + 60_000;
  while ((await stored()) < N_MQTT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const n = await stored();
  if (n < N_MQTT) throw new Error(`only ${n} of ${N_MQTT} stored`);
  const s = (performance.now() - t) / 1000;
  await Promise.all(pubs.map((p) => p.endAsync()));
  await service.close();
  await db.close();
  await dropDatabase(name);
  return N_MQTT / s;
}

for (const [rows, concurrency] of [[500, 1], [2000, 1], [2000, 2], [2000, 4]] as const) {
  const rate = await direct(rows, concurrency);
  console.log(`batch writer → PostgreSQL, ${N.toLocaleString()} reads, batches ≤ ${rows} × ${concurrency} in parallel: ${Math.round(rate).toLocaleString()} reads/s  (target ≥ 20,000: ${verdict(rate, 20_000, false)})`);
}
const e2e = await endToEnd();
console.log(`Mosquitto → consumer → PostgreSQL (ack after commit), ${N_MQTT.toLocaleString()} reads: ${Math.round(e2e).toLocaleString()} reads/s`);
