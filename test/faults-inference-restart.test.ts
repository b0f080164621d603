import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cameraStatusMessage, cameraStatusSchema, decodePayload, serviceStatusMessage, serviceStatusSchema, type CameraStatus, type ServiceStatus } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createMqttFrameSink, IngestMetrics, startIngest, type Ingest, type MqttFrameSink } from "@vigil/ingest";
import { startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";
import { getFreePort } from "./support/ports.js";
import { HoldingProxy, MODELS_DIR, plateClip, REPO } from "./faults-support.js";

// The inference service as its own process (`npm run start:inference`), frames from ingest as JPEG
// over MQTT. Its uplink to the broker is held (frames still arrive, its publishes do not) so that
// accepted plate events pile up in its disk outbox; then it is killed with SIGKILL, restarted on
// the same outbox directory, and every event it ever accepted must reach PostgreSQL. Meanwhile the
// outage must be visible: the camera turns `degraded` (no inference worker for its shard) soon after
// the kill and `online` again after the restart, through the worker's retained status and MQTT will.
const work = mkdtempSync(path.join(tmpdir(), "vigil-faults-inf-"));
const outboxDir = path.join(work, "outbox");
let h: AlertsHarness;
let proxy: HoldingProxy;
let ingest: Ingest;
let ingestMqtt: MqttClient;
let frameSink: MqttFrameSink;
let watcher: MqttClient;
let inference: { proc: ChildProcess; lines: string[] } | undefined;
let inferencePort = 0;

interface InferenceLog {
  msg?: string;
  eventId?: string;
}

async function startInferenceProcess(extraEnv: Record<string, string> = {}): Promise<{ proc: ChildProcess; lines: string[] }> {
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
      ...extraEnv,
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
  const metrics = new IngestMetrics();
  frameSink = createMqttFrameSink({ mqtt: ingestMqtt, topicPrefix: h.prefix, shardCount: 1, metrics });
  ingest = await startIngest({
    config: { topicPrefix: h.prefix, outputWidth: 1280 },
    logger: createLogger({ name: "faults-ingest", level: "silent" }),
    mqtt: ingestMqtt,
    metrics,
    frameSink,
    consumerUnavailable: (id) => frameSink.consumerUnavailable(id),
    cameras: [{ id: "fault-cam", name: "fault", url: clip, lat: 10.77, lon: 106.7, analytics: ["plates"], sampleFps: 2 }],
  });
}, 120_000);

afterAll(async () => {
  if (inference?.proc.exitCode === null) inference.proc.kill("SIGKILL");
  await ingest?.close();
  await frameSink?.close();
  await Promise.all([ingestMqtt?.endAsync(), watcher?.endAsync()]);
  await proxy?.close();
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * The camera's and the inference shard's retained status as the watcher receives them, with the
 * time of arrival: `camera(t)` is the latest camera status received after t, `cameraFirst(t, state)`
 * and `service(t, state)` the first camera or shard status in that state after t.
 */
async function watchStatuses() {
  const cameraTopic = cameraStatusMessage.topic("fault-cam", h.prefix);
  const serviceTopic = serviceStatusMessage.topic(0, h.prefix);
  const cameras: { at: number; status: CameraStatus }[] = [];
  const services: { at: number; status: ServiceStatus }[] = [];
  watcher.on("message", (topic, payload) => {
    const at = Date.now();
    if (topic === cameraTopic) {
      const r = decodePayload(cameraStatusSchema, payload);
      if (r.ok) cameras.push({ at, status: r.value });
    } else if (topic === serviceTopic) {
      const r = decodePayload(serviceStatusSchema, payload);
      if (r.ok) services.push({ at, status: r.value });
    }
  });
  await watcher.subscribeAsync([cameraTopic, serviceTopic], { qos: 1 });
  return {
    camera: (after: number) => cameras.findLast((c) => c.at >= after),
    cameraFirst: (after: number, state: CameraStatus["state"]) => cameras.find((c) => c.at >= after && c.status.state === state),
    service: (after: number, state: ServiceStatus["state"]) => services.find((s) => s.at >= after && s.status.state === state),
  };
}

describe("inference killed with SIGKILL and restarted", () => {
  it("keeps accepted events in its disk outbox across the kill, delivers them after restart, and events flow again", async () => {
    const events = await collectMessages(watcher, `${h.prefix}/events/plate`);
    const statuses = await watchStatuses();
    // The hold below silences this worker's uplink for up to ~45 s on purpose; with the default 5 s
    // keep-alive the broker would (rightly) drop it after 7.5 s and its frames would stop. The kill's
    // detection does not depend on keep-alive: the dead process's socket closes (through the proxy),
    // and the broker publishes the will at once.
    const first = await startInferenceProcess({ MQTT_KEEPALIVE_S: "120" });
    inference = first;

    // Healthy: frames in, plate events out, stored by the alert service; the camera is online.
    await events.waitFor((m) => m.length >= 1, 45_000);
    await waitUntil(() => statuses.camera(0)?.status.state === "online", 15_000, "the camera online while inference runs");

    // Uplink fails: frames keep arriving, publishes do not; accepted events wait on disk.
    proxy.hold();
    await waitUntil(() => readdirSync(outboxDir).filter((f) => f.endsWith(".json")).length >= 2, 45_000, "events waiting in the outbox");
    const pendingOnDisk = outboxIds();
    const killedAt = Date.now();
    first.proc.kill("SIGKILL");
    await new Promise((r) => first.proc.once("exit", r));
    const acceptedBefore = acceptedIds(first.lines);

    // The outage as the system sees it: the service no longer answers, nothing is published, the
    // waiting events are still on disk.
    await expect(fetch(`http://127.0.0.1:${inferencePort}/healthz`)).rejects.toThrow();
    expect(outboxIds()).toEqual(expect.arrayContaining(pendingOnDisk));
    const publishedBeforeRestart = new Set(events.json<{ id: string }>().map((e) => e.id));
    for (const id of pendingOnDisk) expect(publishedBeforeRestart.has(id)).toBe(false);
    // …and the console sees it: the broker publishes the worker's will, ingest marks the camera degraded.
    const noWorker = "no inference worker for shard 0/1 (frames are not being analysed)";
    await waitUntil(() => statuses.camera(killedAt)?.status.state === "degraded", 15_000, "the camera degraded after the kill");
    const willAt = statuses.service(killedAt, "offline")!.at;
    const degraded = statuses.cameraFirst(killedAt, "degraded")!;
    expect(degraded.status.error).toBe(noWorker);
    expect(degraded.at - killedAt).toBeLessThan(15_000);
    const unconsumed = /vigil_ingest_frames_unconsumed_total\{camera="fault-cam"\} (\d+)/.exec(await ingest.metrics.registry.metrics());
    await new Promise((r) => setTimeout(r, 1500));
    const unconsumedLater = /vigil_ingest_frames_unconsumed_total\{camera="fault-cam"\} (\d+)/.exec(await ingest.metrics.registry.metrics());
    expect(Number(unconsumedLater?.[1] ?? 0)).toBeGreaterThan(Number(unconsumed?.[1] ?? 0));

    // Restart on the same outbox: the waiting events go out first, then new ones follow.
    proxy.release();
    const restartedAt = Date.now();
    const second = await startInferenceProcess();
    inference = second;
    // The new worker announces itself and the camera is online again, with nothing else restarted.
    await waitUntil(() => statuses.service(restartedAt, "online") !== undefined && statuses.camera(restartedAt)?.status.state === "online", 20_000, "the camera online after the restart");
    const announcedAt = statuses.service(restartedAt, "online")!.at;
    const backOnline = statuses.cameraFirst(announcedAt, "online")!;
    expect(backOnline.status.error).toBeUndefined();
    expect(backOnline.at - announcedAt).toBeLessThan(5000);
    console.log(
      `faults/inference: will published ${((willAt - killedAt) / 1000).toFixed(1)} s after kill, camera degraded ${((degraded.at - killedAt) / 1000).toFixed(1)} s after kill; ` +
        `worker online ${((announcedAt - restartedAt) / 1000).toFixed(1)} s after restart (process start included), camera online ${((backOnline.at - announcedAt) / 1000).toFixed(1)} s after that`,
    );
    const health = await fetch(`http://127.0.0.1:${inferencePort}/healthz`);
    expect(health.status).toBe(200);
    await events.waitFor((m) => {
      const ids = new Set(m.map((x) => (JSON.parse(x.payload.toString()) as { id: string }).id));
      return pendingOnDisk.every((id) => ids.has(id));
    }, 30_000);
    await waitUntil(() => acceptedIds(second.lines).length >= 1, 45_000, "a new plate event after the restart");

    // Stop the traffic, let inference drain, and count: everything accepted was stored.
    await ingest.close();
    const stoppedAt = Date.now();
    second.proc.kill("SIGTERM");
    await new Promise((r) => second.proc.once("exit", r));
    // A graceful stop says "offline" itself (its ts is now; the will's would be its connect time).
    await waitUntil(() => statuses.service(stoppedAt, "offline") !== undefined, 5000, "offline status on graceful stop");
    expect(Date.parse(statuses.service(stoppedAt, "offline")!.status.ts)).toBeGreaterThanOrEqual(stoppedAt - 1000);
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
