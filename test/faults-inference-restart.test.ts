import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { createMqttFrameSink, startIngest, type Ingest } from "@vigil/ingest";
import { startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";
import { getFreePort } from "./support/ports.js";
import { HoldingProxy, MODELS_DIR, plateClip, REPO } from "./faults-support.js";

// The inference service as its own process (`npm run start:inference`), frames from ingest as JPEG
// over MQTT. Its uplink to the broker is held (frames still arrive, its publishes do not) so that
// accepted plate events pile up in its disk outbox; then it is killed with SIGKILL, restarted on
// the same outbox directory, and every event it ever accepted must reach PostgreSQL.
const work = mkdtempSync(path.join(tmpdir(), "vigil-faults-inf-"));
const outboxDir = path.join(work, "outbox");
let h: AlertsHarness;
let proxy: HoldingProxy;
let ingest: Ingest;
let ingestMqtt: MqttClient;
let watcher: MqttClient;
let inference: { proc: ChildProcess; lines: string[] } | undefined;
let inferencePort = 0;

interface InferenceLog {
  msg?: string;
  eventId?: string;
}

async function startInferenceProcess(): Promise<{ proc: ChildProcess; lines: string[] }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "services/inference/src/main.ts"], {
    cwd: REPO,
    env: {
      ...process.env,
      MQTT_URL: `mqtt://127.0.0.1:${proxy.port}`,
      MQTT_TOPIC_PREFIX: h.prefix,
      MODELS_DIR,
      MEDIA_DIR: path.join(work, "media"),
      OUTBOX_DIR: outboxDir,
      INFERENCE_PORT: String(inferencePort),
      INFERENCE_HOST: "127.0.0.1",
      FRAMES_FROM_MQTT: "true",
      INFERENCE_SHARD: "0/1",
      ONNX_THREADS: "1",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let partial = "";
  proc.stdout!.on("data", (d: Buffer) => {
    const parts = (partial + d.toString()).split("\n");
    partial = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  proc.stderr!.on("data", (d: Buffer) => lines.push(d.toString()));
  await waitUntil(() => lines.some((l) => l.includes("inference listening")) || proc.exitCode !== null, 60_000, "inference to start");
  if (proc.exitCode !== null) throw new Error(`inference exited: ${lines.join("\n").slice(-2000)}`);
  return { proc, lines };
}

/** Plate events the process accepted: it logs "plate event" once the event is in its outbox. */
function acceptedIds(lines: string[]): string[] {
  return lines
    .map((l) => {
      try {
        return JSON.parse(l) as InferenceLog;
      } catch {
        return {};
      }
    })
    .filter((l) => l.msg === "plate event" && l.eventId)
    .map((l) => l.eventId!);
}

function outboxIds(): string[] {
  return readdirSync(outboxDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => (JSON.parse(JSON.parse(readFileSync(path.join(outboxDir, f), "utf8")).payload as string) as { id: string }).id);
}

async function storedIds(): Promise<Set<string>> {
  const c = new pg.Client({ connectionString: h.testDb.url });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string }>("SELECT id FROM plate_reads");
    return new Set(rows.map((r) => r.id));
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const clip = await plateClip(7);
  h = await startAlertsHarness("faultinf", { alertCooldownMs: 0 });
  proxy = new HoldingProxy({ host: "127.0.0.1", port: 1883 });
  await proxy.start(await getFreePort());
  inferencePort = await getFreePort();
  watcher = await connectTestMqtt();
  ingestMqtt = await connectTestMqtt();
  ingest = await startIngest({
    config: { topicPrefix: h.prefix, outputWidth: 1280 },
    logger: createLogger({ name: "faults-ingest", level: "silent" }),
    mqtt: ingestMqtt,
    frameSink: createMqttFrameSink({ mqtt: ingestMqtt, topicPrefix: h.prefix, shardCount: 1 }),
    cameras: [{ id: "fault-cam", name: "fault", url: clip, lat: 10.77, lon: 106.7, analytics: ["plates"], sampleFps: 2 }],
  });
}, 120_000);

afterAll(async () => {
  if (inference?.proc.exitCode === null) inference.proc.kill("SIGKILL");
  await ingest?.close();
  await Promise.all([ingestMqtt?.endAsync(), watcher?.endAsync()]);
  await proxy?.close();
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("inference killed with SIGKILL and restarted", () => {
  it("keeps accepted events in its disk outbox across the kill, delivers them after restart, and events flow again", async () => {
    const events = await collectMessages(watcher, `${h.prefix}/events/plate`);
    const first = await startInferenceProcess();
    inference = first;

    // Healthy: frames in, plate events out, stored by the alert service.
    await events.waitFor((m) => m.length >= 1, 45_000);

    // Uplink fails: frames keep arriving, publishes do not; accepted events wait on disk.
    proxy.hold();
    await waitUntil(() => readdirSync(outboxDir).filter((f) => f.endsWith(".json")).length >= 2, 45_000, "events waiting in the outbox");
    const pendingOnDisk = outboxIds();
    first.proc.kill("SIGKILL");
    await new Promise((r) => first.proc.once("exit", r));
    const acceptedBefore = acceptedIds(first.lines);

    // The outage as the system sees it: the service no longer answers, nothing is published, the
    // waiting events are still on disk.
    await expect(fetch(`http://127.0.0.1:${inferencePort}/healthz`)).rejects.toThrow();
    expect(outboxIds()).toEqual(expect.arrayContaining(pendingOnDisk));
    const publishedBeforeRestart = new Set(events.json<{ id: string }>().map((e) => e.id));
    for (const id of pendingOnDisk) expect(publishedBeforeRestart.has(id)).toBe(false);

    // Restart on the same outbox: the waiting events go out first, then new ones follow.
    proxy.release();
    const second = await startInferenceProcess();
    inference = second;
    const health = await fetch(`http://127.0.0.1:${inferencePort}/healthz`);
    expect(health.status).toBe(200);
    await events.waitFor((m) => {
      const ids = new Set(m.map((x) => (JSON.parse(x.payload.toString()) as { id: string }).id));
      return pendingOnDisk.every((id) => ids.has(id));
    }, 30_000);
    await waitUntil(() => acceptedIds(second.lines).length >= 1, 45_000, "a new plate event after the restart");

    // Stop the traffic, let inference drain, and count: everything accepted was stored.
    await ingest.close();
    second.proc.kill("SIGTERM");
    await new Promise((r) => second.proc.once("exit", r));
    const accepted = new Set([...acceptedBefore, ...acceptedIds(second.lines)]);
    let stored = new Set<string>();
    await waitUntil(async () => {
      stored = await storedIds();
      return [...accepted].every((id) => stored.has(id));
    }, 15_000, "every accepted event stored");
    console.log(`faults/inference: accepted ${accepted.size} events (${acceptedBefore.length} before the kill, ${pendingOnDisk.length} of them waiting on disk at the kill), published ${events.messages.length} messages, stored ${stored.size} rows, ${proxy.droppedBytes} bytes of the held uplink dropped`);
    expect(pendingOnDisk.length).toBeGreaterThanOrEqual(2);
    expect([...accepted].filter((id) => !stored.has(id))).toEqual([]);
    expect(readdirSync(outboxDir).filter((f) => f.endsWith(".json"))).toEqual([]);
  }, 240_000);
});
