import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { cameraStatusSchema, decodeFrameMessage, decodePayload, serviceStatusMessage, shardForCamera } from "@vigil/contracts";
import { createMqttFrameSink, IngestMetrics, startIngest, type Ingest } from "../services/ingest/src/index.js";
import { collectMessages, connectTestMqtt, TEST_MQTT_URL, uniqueTopicPrefix } from "./support/mqtt.js";
import { getFreePort } from "./support/ports.js";
import { RtspTestCamera } from "./support/rtsp-camera.js";
import { camera, capturingLogger, makeClip, recordingSink, waitUntil } from "./ingest-support.js";

const REPO = path.resolve(import.meta.dirname, "..");

describe.concurrent("ingest at run time", () => {
  const cam = new RtspTestCamera({ width: 320, height: 180, fps: 25, gop: 25 });
  const toClose: Ingest[] = [];
  // Every RTSP server a test starts, so a failing assertion cannot leave one running.
  const extraServers: RtspTestCamera[] = [];
  beforeAll(() => cam.start());
  afterAll(async () => {
    await Promise.all(toClose.map((i) => i.close()));
    await Promise.all([cam, ...extraServers].map((s) => s.stop()));
  });

  // Sequential: its frame-gap bound must not compete for the 2 cores with the child processes the
  // concurrent tests below spawn (tsx start-up is CPU-heavy).
  it.sequential("adds, changes and removes cameras without disturbing the others", async () => {
    // One RTSP server per camera, so that only ingest's own isolation is under test.
    const servers = [new RtspTestCamera({ width: 320, height: 180, gop: 25 }), new RtspTestCamera({ width: 320, height: 180, gop: 25 })];
    extraServers.push(...servers);
    await Promise.all(servers.map((s) => s.start()));
    const [camB, camC] = servers as [RtspTestCamera, RtspTestCamera];
    const sink = recordingSink();
    const { logger } = capturingLogger("info");
    const mqtt = await connectTestMqtt();
    const prefix = uniqueTopicPrefix("ingest-rt");
    const statuses = await collectMessages(mqtt, `${prefix}/cameras/+/status`);
    const ingest = await startIngest({ logger, mqtt, frameSink: sink, config: { outputWidth: 320, topicPrefix: prefix }, cameras: [camera("a", cam.url), camera("b", camB.url)] });
    toClose.push(ingest);
    await waitUntil(() => sink.count("a") >= 2 && sink.count("b") >= 2, 15_000, "a and b running");

    expect(await ingest.addOrUpdateCamera(camera("c", camC.url))).toBe("added");
    expect(await ingest.addOrUpdateCamera({ ...camera("b", camB.url), sampleFps: 1 })).toBe("updated");
    // Fire zones and sensitivity are not a stream change: they ride on the next frames' header.
    const zone: [number, number][] = [[0, 0], [0.5, 0], [0.5, 0.5]];
    expect(await ingest.addOrUpdateCamera({ ...camera("a", cam.url), name: "renamed", lat: 11, fireZones: [zone], fireSensitivity: "high" })).toBe("unchanged");
    const changedAt = Date.now();
    await waitUntil(() => sink.count("c") >= 2, 15_000, "c running");
    await new Promise((r) => setTimeout(r, 4000));
    // "a" ran straight through: consecutive seqs, no gap, never restarted.
    const a = sink.frames.get("a")!;
    expect(a.map((f) => f.frame.seq)).toEqual(a.map((_, i) => i));
    const gaps = a.slice(1).map((f, i) => f.at - a[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(1500);
    expect(ingest.status().find((s) => s.cameraId === "a")!.restarts).toBe(0);
    expect(a[0]!.frame.fire).toBeUndefined();
    expect(a.at(-1)!.frame.fire).toEqual({ zones: [zone], sensitivity: "high" });
    // "b" now samples at 1 fps.
    const bRate = sink.count("b", changedAt + 1500) / ((Date.now() - changedAt - 1500) / 1000);
    expect(bRate).toBeGreaterThan(0.6);
    expect(bRate).toBeLessThan(1.4);

    expect(await ingest.removeCamera("c")).toBe(true);
    expect(await ingest.removeCamera("c")).toBe(false);
    await statuses.waitFor((m) => m.some((x) => x.topic.endsWith("/c/status") && x.payload.length === 0), 5000);
    expect(await ingest.setCameras([camera("a", cam.url)])).toEqual(["removed", "unchanged"]);
    expect(ingest.status().map((s) => s.cameraId)).toEqual(["a"]);
    expect((await ingest.metrics.registry.metrics()).includes('camera="b"')).toBe(false);
    await ingest.close();
    await mqtt.endAsync();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("splits cameras between instances by INGEST_SHARD", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `shard-cam-${i}`);
    const cams = ids.map((id) => camera(id, "rtsp://127.0.0.1:9/none"));
    const { logger } = capturingLogger("warn");
    const sink = recordingSink();
    const zero = await startIngest({ logger, frameSink: sink, config: { shard: { index: 0, count: 2 } }, cameras: cams });
    const one = await startIngest({ logger, frameSink: sink, config: { shard: { index: 1, count: 2 } }, cameras: cams });
    toClose.push(zero, one);
    const mine0 = zero.status().map((s) => s.cameraId);
    const mine1 = one.status().map((s) => s.cameraId);
    expect(mine0.length).toBeGreaterThan(0);
    expect(mine1.length).toBeGreaterThan(0);
    expect([...mine0, ...mine1].sort()).toEqual([...ids].sort());
    for (const id of mine0) expect(shardForCamera(id, 2)).toBe(0);
    expect(await zero.addOrUpdateCamera(camera(mine1[0]!, "rtsp://127.0.0.1:9/none"))).toBe("not-this-shard");
    await zero.close();
    await one.close();
  });

  it("publishes JPEG frames on the camera's inference shard topic", async () => {
    const mqtt = await connectTestMqtt();
    const prefix = uniqueTopicPrefix("ingest-frames");
    const frames = await collectMessages(mqtt, `${prefix}/frames/+`);
    const { logger } = capturingLogger("info");
    const ingest = await startIngest({
      logger,
      mqtt,
      frameSink: createMqttFrameSink({ mqtt, topicPrefix: prefix, shardCount: 4 }),
      config: { outputWidth: 320, topicPrefix: prefix },
      cameras: [camera("jpeg-cam", cam.url, { fireZones: [[[0.1, 0.1], [0.9, 0.1], [0.5, 0.8]]], fireSensitivity: "low" })],
    });
    toClose.push(ingest);
    await frames.waitFor((m) => m.length >= 3, 15_000);
    for (const m of frames.messages) {
      expect(m.topic).toBe(`${prefix}/frames/${shardForCamera("jpeg-cam", 4)}`);
      const decoded = decodeFrameMessage(m.payload);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      expect(decoded.frame).toMatchObject({ cameraId: "jpeg-cam", format: "jpeg", width: 320, height: 180, fire: { zones: [[[0.1, 0.1], [0.9, 0.1], [0.5, 0.8]]], sensitivity: "low" } });
      const meta = await sharp(decoded.frame.data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 320, 180]);
    }
    await ingest.close();
    await mqtt.endAsync();
  });

  it("shows a camera as degraded while no inference worker consumes its shard, online again when one announces itself", async () => {
    const mqtt = await connectTestMqtt();
    const prefix = uniqueTopicPrefix("ingest-consumer");
    const statuses = await collectMessages(mqtt, `${prefix}/cameras/+/status`);
    const { logger, lines } = capturingLogger("info");
    const metrics = new IngestMetrics();
    const sink = createMqttFrameSink({ mqtt, topicPrefix: prefix, shardCount: 2, inferenceGraceMs: 500, metrics, logger });
    const shard = shardForCamera("consumer-cam", 2);
    // A looped file rather than the RTSP camera: only the consumer side is under test here.
    const clip = await makeClip({ seconds: 4, width: 320, height: 180 });
    const ingest = await startIngest({ logger, mqtt, metrics, frameSink: sink, consumerUnavailable: (id) => sink.consumerUnavailable(id), config: { outputWidth: 320, topicPrefix: prefix }, cameras: [camera("consumer-cam", clip)] });
    toClose.push(ingest);
    const latest = () => {
      const last = statuses.messages.at(-1);
      const s = last && decodePayload(cameraStatusSchema, last.payload);
      return s && s.ok ? s.value : undefined;
    };
    const worker = (state: string, extra: Record<string, unknown> = {}) =>
      mqtt.publishAsync(serviceStatusMessage.topic(shard, prefix), JSON.stringify({ schemaVersion: 1, service: "inference", shard, shardCount: 2, state, ts: new Date().toISOString(), ...extra }), { qos: 1, retain: true });
    const noWorker = `no inference worker for shard ${shard}/2 (frames are not being analysed)`;

    // No status at all past the grace period: frames go nowhere, and the camera says so.
    await waitUntil(() => latest()?.state === "degraded", 10_000, "degraded with no inference status");
    expect(latest()!.error).toBe(noWorker);
    // A malformed status (shard out of range) is counted and changes nothing.
    await worker("online", { shard: 5 });
    await waitUntil(() => lines.some((l) => l.includes("inference status rejected")), 5000, "the bad status rejected");
    expect((await metrics.serviceStatusRejected.get()).values[0]?.value).toBe(1);
    expect(sink.consumerUnavailable("consumer-cam")).toBe(noWorker);
    await worker("online");
    await waitUntil(() => latest()?.state === "online", 5000, "online once a worker announces itself");
    const unconsumed = await metrics.unconsumed.get();
    expect(unconsumed.values.find((v) => v.labels.camera === "consumer-cam")?.value).toBeGreaterThan(0);
    await worker("offline");
    await waitUntil(() => latest()?.state === "degraded" && latest()?.error === noWorker, 5000, "degraded when the worker's will says offline");
    await mqtt.publishAsync(serviceStatusMessage.topic(shard, prefix), "", { qos: 1, retain: true });
    await ingest.close();
    await sink.close();
    await mqtt.endAsync();
  });

  it("runs standalone: env, cameras file reload, MQTT camera list, /healthz, /metrics, retained status, clean shutdown", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vigil-ingest-main-"));
    const file = path.join(dir, "cameras.yaml");
    writeFileSync(file, stringify([camera("main-1", cam.url)]));
    const port = await getFreePort();
    const prefix = uniqueTopicPrefix("ingest-main");
    const mqtt = await connectTestMqtt();
    const statuses = await collectMessages(mqtt, `${prefix}/cameras/+/status`);
    const frames = await collectMessages(mqtt, `${prefix}/frames/+`);
    const child = spawn(process.execPath, ["--import", "tsx", "services/ingest/src/main.ts"], {
      cwd: REPO,
      env: { ...process.env, CAMERAS_FILE: file, INGEST_PORT: String(port), INGEST_HOST: "127.0.0.1", MQTT_URL: TEST_MQTT_URL, MQTT_TOPIC_PREFIX: prefix, INGEST_FRAME_WIDTH: "320", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const health = async () => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { cameras: { cameraId: string; state: string }[] };
    try {
      await waitUntil(() => frames.messages.length >= 2, 30_000, `frames from main.ts (${out.slice(-500)})`);
      expect((await health()).cameras).toMatchObject([{ cameraId: "main-1", state: "online" }]);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/vigil_ingest_frames_sampled_total\{camera="main-1"\} [1-9]/);
      expect(metrics).toMatch(/vigil_ingest_frames_dropped_total/);
      // The per-camera cost line: its decoder's CPU per second (read from /proc at each scrape).
      const again = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(again).toMatch(/vigil_ingest_camera_decode_cpu_ms_per_s\{camera="main-1"\} \d/);

      writeFileSync(file, stringify({ cameras: [camera("main-1", cam.url), camera("main-2", cam.url)] }));
      let ids: string[] = [];
      const poll = setInterval(() => void health().then((h) => (ids = h.cameras.map((c) => c.cameraId))), 300);
      await waitUntil(() => ids.includes("main-2"), 10_000, "main-2 after the file changed");
      // The alert service's retained camera list (cameras edited in the console) is followed too.
      await mqtt.publishAsync(`${prefix}/config/cameras`, JSON.stringify({ schemaVersion: 1, ts: new Date().toISOString(), cameras: [camera("main-1", cam.url), camera("main-3", cam.url)] }), { qos: 1, retain: true });
      await waitUntil(() => ids.includes("main-3") && !ids.includes("main-2"), 10_000, "main-3 from the MQTT camera list").finally(() => clearInterval(poll));
      await mqtt.publishAsync(`${prefix}/config/cameras`, "", { qos: 1, retain: true });
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    expect(code).toBe(0);
    await statuses.waitFor((m) => m.some((x) => {
      const s = decodePayload(cameraStatusSchema, x.payload);
      return s.ok && s.value.cameraId === "main-1" && s.value.state === "offline" && s.value.error === "ingest stopped";
    }), 5000);
    await mqtt.endAsync();
  });

  it("refuses a bad environment with every problem listed", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "services/ingest/src/main.ts"], { cwd: REPO, env: { PATH: process.env.PATH, INGEST_SHARD: "5/2", INGEST_PORT: "abc" }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.once("exit", r));
    expect(code).toBe(1);
    expect(err).toMatch(/CAMERAS_FILE/);
    expect(err).toMatch(/INGEST_SHARD/);
    expect(err).toMatch(/INGEST_PORT/);
  });
});
