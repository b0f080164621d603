import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlateEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { startInference, InferenceMetrics, type Inference } from "@vigil/inference";
import { startIngest, type Ingest } from "@vigil/ingest";
import { startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";
import { MODELS_DIR, plateClip } from "./faults-support.js";

// Evidence media on a full disk: a 400 KiB tmpfs holds one or two snapshots, then every write fails
// with ENOSPC. Plate events must still be published (without `snapshot`), stored, and raise the
// watchlist alert; failed writes are counted; the pipeline keeps running. Where tmpfs cannot be
// mounted (not root), the media path sits under a regular file, so every write fails (ENOTDIR).
const work = mkdtempSync(path.join(tmpdir(), "vigil-faults-disk-"));
const mediaDir = path.join(work, "media");
let mounted = false;
let h: AlertsHarness;
let ingest: Ingest;
let inference: Inference;
let ingestMqtt: MqttClient;
let infMqtt: MqttClient;
let watcher: MqttClient;
const metrics = new InferenceMetrics(false);

beforeAll(async () => {
  await plateClip(7); // generated before the clock starts
  mkdirSync(mediaDir);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", mediaDir], { stdio: "ignore" });
    mounted = true;
  } catch {
    rmSync(mediaDir, { recursive: true });
    writeFileSync(mediaDir, "not a directory");
  }
  h = await startAlertsHarness("faultdisk", { alertCooldownMs: 0, mediaDir: mounted ? mediaDir : work });
  await h.service.watchlist.add({ plate: "51G-888.88", reason: "disk-full test", priority: "high" }, "test");
  [ingestMqtt, infMqtt, watcher] = await Promise.all([connectTestMqtt(), connectTestMqtt(), connectTestMqtt()]);
  const logger = createLogger({ name: "faults-disk", level: "silent" });
  inference = await startInference(
    { modelsDir: MODELS_DIR, mediaDir: mounted ? mediaDir : path.join(mediaDir, "evidence"), outboxDir: path.join(work, "outbox"), topicPrefix: h.prefix, threads: 1, fire: false },
    { logger, mqtt: infMqtt, metrics },
  );
}, 120_000);

afterAll(async () => {
  await ingest?.close();
  await inference?.close();
  await Promise.all([ingestMqtt?.endAsync(), infMqtt?.endAsync(), watcher?.endAsync()]);
  await h?.close();
  if (mounted) execFileSync("umount", [mediaDir]);
  rmSync(work, { recursive: true, force: true });
});

async function counter(name: string): Promise<number> {
  const m = await metrics.registry.getSingleMetric(name)!.get();
  return m.values.reduce((a, v) => a + v.value, 0);
}

describe("evidence disk full", () => {
  it("publishes and stores every event without a snapshot once writes fail, counts the failures, raises the alert, keeps running", async () => {
    const events = await collectMessages(watcher, `${h.prefix}/events/plate`);
    const alerts = await collectMessages(watcher, `${h.prefix}/alerts`);
    const clip = await plateClip(7);
    ingest = await startIngest({
      config: { topicPrefix: h.prefix, outputWidth: 1280 },
      logger: createLogger({ name: "faults-disk-ingest", level: "silent" }),
      mqtt: ingestMqtt,
      frameSink: inference.frameSink,
      cameras: [{ id: "disk-cam", name: "disk", url: clip, lat: 10.77, lon: 106.7, analytics: ["plates"], sampleFps: 2 }],
    });

    // Until the disk is full and several events have gone out without evidence.
    await waitUntil(async () => (await counter("vigil_inference_evidence_errors_total")) >= 3, 60_000, "evidence writes to fail");
    const processedAtFailure = await counter("vigil_inference_frames_processed_total");
    await waitUntil(async () => (await counter("vigil_inference_frames_processed_total")) >= processedAtFailure + 6, 20_000, "frames still processed after the failures");
    await alerts.waitFor((m) => m.some((x) => (JSON.parse(x.payload.toString()) as { type: string }).type === "watchlist_hit"), 30_000);
    // What this camera costs, by stage, on /metrics (relayed from the analysis worker threads).
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/vigil_inference_camera_busy_ms_total\{camera="disk-cam",stage="plates"\} [1-9]/);
    expect(text).toMatch(/vigil_inference_camera_cost_ms_per_s\{camera="disk-cam",stage="decode"\} \d/);
    await ingest.close();
    await inference.flush();

    const published = events.json<PlateEvent>();
    const errors = await counter("vigil_inference_evidence_errors_total");
    const withSnapshot = published.filter((e) => e.snapshot);
    const without = published.filter((e) => !e.snapshot);
    const c = new pg.Client({ connectionString: h.testDb.url });
    await c.connect();
    let stored: { id: string; snapshot: string | null }[] = [];
    try {
      await waitUntil(async () => {
        stored = (await c.query<{ id: string; snapshot: string | null }>("SELECT id, snapshot FROM plate_reads")).rows;
        return new Set(published.map((e) => e.id)).size === stored.length;
      }, 10_000, "every published event stored");
    } finally {
      await c.end();
    }
    const free = mounted ? statfsSync(mediaDir).bavail * statfsSync(mediaDir).bsize : 0;
    console.log(`faults/disk-full (${mounted ? "400 KiB tmpfs" : "unwritable path"}): ${published.length} events published (${withSnapshot.length} with snapshot, ${without.length} without), ${stored.length} stored, ${errors} evidence write failures counted, ${mounted ? `${readdirSync(mediaDir, { recursive: true }).length} media entries, ${free} bytes free` : ""}`);

    expect(without.length).toBeGreaterThanOrEqual(3);
    // Every event that went out without a snapshot is one counted failure (revisions write again).
    expect(errors).toBe(without.length);
    // Events that never had evidence are stored without it (and not dropped).
    const neverSnapshot = new Set(without.map((e) => e.id).filter((id) => !withSnapshot.some((w) => w.id === id)));
    expect(neverSnapshot.size).toBeGreaterThanOrEqual(2);
    expect(stored.filter((r) => neverSnapshot.has(r.id)).map((r) => r.snapshot)).toEqual([...neverSnapshot].map(() => null));
    expect(await counter("vigil_inference_errors_total")).toBe(0);
    const hit = alerts.json<{ type: string; plate?: string; snapshot?: string }>().find((a) => a.type === "watchlist_hit")!;
    expect(hit.plate).toBe("51G88888");
  }, 180_000);
});
