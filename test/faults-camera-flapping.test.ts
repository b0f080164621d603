import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cameraStatusSchema, decodePayload, type Alert, type CameraStatus } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { startIngest, type Ingest } from "@vigil/ingest";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";
import { RtspTestCamera } from "./support/rtsp-camera.js";
import { ffmpegChildren } from "./faults-support.js";

// A camera whose RTSP server dies and comes back every few seconds, beside a steady one. Ingest must
// report each outage (offline, then online again), raise and clear the console's camera-offline
// alert, never run more than one ffmpeg per camera, and leave the steady camera alone.
const CYCLES = 4;
const UP_MS = 5000;
const DOWN_MS = 2500;

let h: AlertsHarness;
let ingest: Ingest;
let mqtt: MqttClient;
const flappy = new RtspTestCamera({ width: 320, height: 180, fps: 25, gop: 25 });
const steady = new RtspTestCamera({ width: 320, height: 180, fps: 25, gop: 25 });
const frames = new Map<string, number>();

function cam(id: string, url: string) {
  return { id, name: id, url, lat: 10.77, lon: 106.7, analytics: ["plates" as const] };
}

beforeAll(async () => {
  await Promise.all([flappy.start(), steady.start()]);
  const cameras = [cam("flappy", flappy.url), cam("steady", steady.url)];
  h = await startAlertsHarness("faultflap", { cameraOfflineAlertMs: 1500 }, { cameras });
  mqtt = await connectTestMqtt();
  ingest = await startIngest({
    config: { topicPrefix: h.prefix, outputWidth: 320 },
    logger: createLogger({ name: "faults-flap", level: "silent" }),
    mqtt,
    frameSink: { submit: async (f) => void frames.set(f.cameraId, (frames.get(f.cameraId) ?? 0) + 1) },
    cameras,
  });
}, 60_000);

afterAll(async () => {
  await ingest?.close();
  await mqtt?.endAsync();
  await h?.close();
  await Promise.all([flappy.stop(), steady.stop()]);
});

describe("camera flapping", () => {
  it("shows every outage, recovers each time, keeps one ffmpeg per camera and the other camera untouched", async () => {
    const statuses = await collectMessages(mqtt, `${h.prefix}/cameras/+/status`);
    const parsed = (id: string) =>
      statuses.messages
        .map((m) => decodePayload(cameraStatusSchema, m.payload))
        .filter((r): r is { ok: true; value: CameraStatus } => r.ok)
        .map((r) => r.value)
        .filter((s) => s.cameraId === id);
    await waitUntil(() => (frames.get("flappy") ?? 0) > 0 && (frames.get("steady") ?? 0) > 0, 20_000, "frames from both cameras");

    let maxFfmpeg = 0;
    const sampler = setInterval(() => {
      void ffmpegChildren().then((p) => (maxFfmpeg = Math.max(maxFfmpeg, p.length)));
    }, 100);
    const steadyRestartsBefore = ingest.status().find((s) => s.cameraId === "steady")!.restarts!;
    const steadyFramesBefore = frames.get("steady")!;
    const flapStarted = Date.now();
    for (let i = 0; i < CYCLES; i++) {
      await flappy.stop();
      await new Promise((r) => setTimeout(r, DOWN_MS));
      await flappy.start();
      await new Promise((r) => setTimeout(r, UP_MS));
    }
    const before = frames.get("flappy")!;
    await waitUntil(() => frames.get("flappy")! > before + 2, 20_000, "frames after the last restart");
    await waitUntil(() => ingest.status().find((s) => s.cameraId === "flappy")!.state === "online", 10_000, "flappy online");
    clearInterval(sampler);
    const flapSeconds = (Date.now() - flapStarted) / 1000;

    // Each outage was published: offline and online states alternate on the retained status topic.
    const states = parsed("flappy").map((s) => s.state);
    const transitions = states.filter((s, i) => i > 0 && s !== states[i - 1]);
    const offlines = transitions.filter((s) => s === "offline").length;
    expect(offlines).toBeGreaterThanOrEqual(CYCLES - 1);
    expect(transitions.filter((s) => s === "online").length).toBeGreaterThanOrEqual(CYCLES - 1);
    const flapStatus = ingest.status().find((s) => s.cameraId === "flappy")!;
    expect(flapStatus.restarts!).toBeGreaterThanOrEqual(CYCLES);

    // The console's view: the alert service knows the camera is online again, and its offline
    // alerts were raised and then resolved by the camera coming back.
    const { token } = await login(h.base, "admin", ADMIN_PASSWORD);
    await waitUntil(async () => {
      const res = await api<{ id: string; status: { state: string } | null }[] | { items: { id: string; status: { state: string } | null }[] }>(h.base, "GET", "/api/v1/cameras", { token });
      const list = Array.isArray(res.body) ? res.body : res.body.items;
      return list.find((c) => c.id === "flappy")?.status?.state === "online";
    }, 10_000, "alerts service sees flappy online");
    let offlineAlerts: Alert[] = [];
    await waitUntil(async () => {
      const res = await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts?type=camera_offline", { token });
      offlineAlerts = res.body.items;
      return offlineAlerts.length >= 1 && offlineAlerts.every((a) => a.state === "resolved");
    }, 10_000, "camera_offline alerts raised and resolved");
    expect(offlineAlerts.every((a) => a.cameraId === "flappy")).toBe(true);

    // No process leak: never more than one ffmpeg per camera, exactly one each now.
    expect(maxFfmpeg).toBeLessThanOrEqual(2);
    expect((await ffmpegChildren()).length).toBe(2);
    // The steady camera never noticed.
    const steadyNow = ingest.status().find((s) => s.cameraId === "steady")!;
    expect(steadyNow.state).toBe("online");
    expect(steadyNow.restarts).toBe(steadyRestartsBefore);
    expect(frames.get("steady")! - steadyFramesBefore).toBeGreaterThan(flapSeconds * 2 * 0.7);
    console.log(`faults/flapping: ${CYCLES} outages in ${flapSeconds.toFixed(0)} s → ${offlines} offline / ${transitions.length - offlines} online transitions published, ${flapStatus.restarts} ffmpeg restarts, ${offlineAlerts.length} camera_offline alerts (all resolved), max ${maxFfmpeg} ffmpeg children for 2 cameras; steady camera ${frames.get("steady")! - steadyFramesBefore} frames, 0 restarts`);

    await ingest.close();
    expect((await ffmpegChildren()).length).toBe(0);
  }, 120_000);
});
