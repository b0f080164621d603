import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cameraConfigSchema, encodePayload, fireEventMessage, LIVE_CODEC_HEADER, type Alert } from "@vigil/contracts";
import { createLogger, type Composition } from "@vigil/contracts/node";
import { composeIngest, createCameraList, loadIngestEnv, type IngestService } from "@vigil/ingest";
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from "@vigil/web-console/ensure-built";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { artifact, launchChromium, loginPage } from "./console-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";
import { RtspTestCamera } from "./support/rtsp-camera.js";

// Live view and event clips (#17) against the real parts: a GStreamer RTSP camera (clock burnt into
// the picture), ingest's one ffmpeg pull per camera, the alert service on PostgreSQL and Mosquitto,
// the built console in Chromium.
const TOKEN = "live-view-test-ingest-token-0123456789";
const MAX_VIEWERS = 50;
const camera = new RtspTestCamera({ width: 1280, height: 720, fps: 25, gop: 25 });
// The camera without live view has a server of its own: two clients setting up one shared GStreamer
// media at the same moment can abort the server (gst_rtsp_media_get_rates assertion, GStreamer 1.22).
const otherCamera = new RtspTestCamera({ width: 320, height: 240, fps: 10, gop: 10 });
let h: AlertsHarness;
let ingestService: Composition<IngestService>;
let ingest: IngestService;
let mqtt: MqttClient;
let browser: Browser;
let token: string;
let ingestUrl = "";
/** When the camera's video first reached ingest (its clip ring starts then). */
let videoSince = 0;

/** ffmpeg processes that are children of this test process (ingest's pulls, clip remuxes). */
function ffmpegChildren(): number {
  const out = execFileSync("ps", ["-o", "comm=", "--ppid", String(process.pid)]).toString();
  return out.split("\n").filter((l) => l.trim() === "ffmpeg").length;
}

beforeAll(async () => {
  await Promise.all([camera.start(), otherCamera.start(), ensureConsoleBuilt()]);
  const base = { lat: 10.7736, lon: 106.7, analytics: ["fire"] as const };
  const cameras = [
    cameraConfigSchema.parse({ ...base, url: camera.url, id: "le-loi", name: "Q1 · Lê Lợi" }),
    cameraConfigSchema.parse({ ...base, url: otherCamera.url, id: "no-live", name: "Q1 · Không xem trực tiếp", liveView: false, clips: false }),
  ];
  h = await startAlertsHarness("liveview", { consoleDir: CONSOLE_DIST_DIR, alertCooldownMs: 0, ingestApiToken: TOKEN }, { cameras, ingestUrls: () => (ingestUrl ? [ingestUrl] : []) });
  mqtt = await connectTestMqtt();
  const env = loadIngestEnv({
    PATH: process.env.PATH,
    CAMERAS_FILE: "(test)",
    CAMERAS_FROM_MQTT: "false",
    MQTT_TOPIC_PREFIX: h.prefix,
    INGEST_PORT: "0",
    INGEST_HOST: "127.0.0.1",
    INGEST_FRAME_WIDTH: "320",
    INGEST_API_TOKEN: TOKEN,
    MEDIA_DIR: h.config.mediaDir,
    LIVE_MAX_VIEWERS: String(MAX_VIEWERS),
  });
  ingestService = composeIngest(env, {
    logger: createLogger({ name: "ingest-live", level: process.env.VIGIL_TEST_LOG ?? "silent" }),
    connectBroker: () => connectTestMqtt(),
    cameras: createCameraList(cameras),
    frameSink: { submit: async () => undefined },
  });
  ingest = await ingestService.start();
  ingestUrl = `http://127.0.0.1:${ingest.port}`;
  token = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  browser = await launchChromium();
  await waitUntil(async () => (await ingest.ingest.liveHub("le-loi")?.whenReady(100)) === true, 20_000, "the camera's stream copy");
  videoSince = Date.now();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ingestService?.stop();
  await mqtt?.endAsync();
  await h?.close();
  await camera.stop();
  await otherCamera.stop();
});

/** Opens the live route and reads `bytes` of it (then aborts, as a closed panel does). */
async function readLive(path: string, bytes: number, headers: Record<string, string>): Promise<{ status: number; codec: string | null; type: string | null; head: Buffer }> {
  const abort = new AbortController();
  const res = await fetch(`${h.base}${path}`, { headers, signal: abort.signal });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return { status: res.status, codec: null, type: null, head: Buffer.alloc(0) };
  }
  const chunks: Buffer[] = [];
  let got = 0;
  const reader = res.body.getReader();
  while (got < bytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    got += value.length;
  }
  abort.abort();
  return { status: res.status, codec: res.headers.get(LIVE_CODEC_HEADER), type: res.headers.get("content-type"), head: Buffer.concat(chunks) };
}

describe("live view", () => {
  it("needs a session (401) and a camera with live view on (403); streams the camera's H.264 as fragmented MP4", async () => {
    expect((await fetch(`${h.base}/api/v1/cameras/le-loi/live`)).status).toBe(401);
    // Ingest's own route is for the alert service only.
    expect((await fetch(`${ingestUrl}/internal/v1/cameras/le-loi/live`)).status).toBe(401);
    const auth = { authorization: `Bearer ${token}` };
    expect((await readLive("/api/v1/cameras/no-live/live", 1, auth)).status).toBe(403);
    expect((await readLive("/api/v1/cameras/nowhere/live", 1, auth)).status).toBe(404);
    const live = await readLive("/api/v1/cameras/le-loi/live", 100_000, auth);
    expect(live.status).toBe(200);
    expect(live.type).toBe("video/mp4");
    expect(live.codec).toMatch(/^avc1\.[0-9a-f]{6}$/);
    expect(live.head.toString("latin1", 4, 8)).toBe("ftyp");
    expect(live.head.includes(Buffer.from("moof"))).toBe(true);
    // The camera URL never reaches the browser, not even in the stream's metadata.
    expect(live.head.includes(Buffer.from(`127.0.0.1:${camera.port}`))).toBe(false);
  }, 30_000);

  it("50 viewers open and close: one camera pull serves them all, the 51st gets 429, nothing is left behind", async () => {
    const pullsBefore = ffmpegChildren();
    const auth = { authorization: `Bearer ${token}` };
    const opened = await Promise.all(
      Array.from({ length: MAX_VIEWERS }, async () => {
        const abort = new AbortController();
        const res = await fetch(`${h.base}/api/v1/cameras/le-loi/live`, { headers: auth, signal: abort.signal });
        const first = await res.body!.getReader().read();
        return { status: res.status, abort, firstBytes: first.value?.length ?? 0 };
      }),
    );
    expect(opened.map((o) => o.status)).toEqual(opened.map(() => 200));
    expect(opened.every((o) => o.firstBytes > 0)).toBe(true);
    expect(ingest.ingest.liveHub("le-loi")!.viewerCount).toBe(MAX_VIEWERS);
    expect((await readLive("/api/v1/cameras/le-loi/live", 1, auth)).status).toBe(429);
    // Still one ffmpeg per camera: viewers cost no process and no camera connection.
    expect(ffmpegChildren()).toBe(pullsBefore);
    for (const o of opened) o.abort.abort();
    await waitUntil(() => ingest.ingest.liveHub("le-loi")!.viewerCount === 0, 10_000, "every viewer gone");
    expect(ffmpegChildren()).toBe(pullsBefore);
    console.log(`live-view: ${MAX_VIEWERS} viewers on ${pullsBefore} ffmpeg pulls (2 cameras), 0 viewers and ${ffmpegChildren()} pulls after closing`);
  }, 30_000);
});

describe("event clips and the console", () => {
  let alert: Alert;

  it("a fire alert gets a ~15 s H.264 clip of the event next to its evidence, hashed and served under /media", async () => {
    // The clip starts 5 s before the event: raise it once the ring holds that much (a camera that had
    // just started gives a shorter clip, which is right but not what this test measures).
    await new Promise((r) => setTimeout(r, Math.max(0, videoSince + 6_000 - Date.now())));
    const eventId = randomUUID();
    const at = new Date();
    await mqtt.publishAsync(
      fireEventMessage.topic(h.prefix),
      encodePayload(fireEventMessage.schema, { schemaVersion: 1, id: eventId, cameraId: "le-loi", ts: at.toISOString(), kind: "fire", confidence: 0.9, boxes: [{ bbox: [0.4, 0.4, 0.2, 0.2], confidence: 0.9 }], confirmedFrames: 4 }),
      { qos: 1 },
    );
    await waitUntil(async () => {
      const res = await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts?type=fire", { token });
      alert = res.body.items.find((a) => a.eventId === eventId)!;
      return !!alert?.clip;
    }, 30_000, "the alert's clip");
    expect(alert.clip).toBe(`/media/le-loi/${at.toISOString().slice(0, 10)}/${eventId}.mp4`);
    const file = join(h.config.mediaDir, alert.clip!.slice("/media/".length));
    expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(alert.clipSha256);
    const probe = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_name,width,height", "-of", "json", file]).toString()) as { format: { duration: string }; streams: { codec_name: string; width: number }[] };
    const duration = Number(probe.format.duration);
    console.log(`live-view: clip ${duration.toFixed(2)} s, ${probe.streams[0]!.codec_name} ${probe.streams[0]!.width} px, ${readFileSync(file).length} bytes`);
    expect(probe.streams).toHaveLength(1);
    expect(probe.streams[0]!.codec_name).toBe("h264");
    expect(probe.streams[0]!.width).toBe(1280);
    expect(duration).toBeGreaterThan(12);
    expect(duration).toBeLessThan(18);
    // It decodes from start to end (a broken file fails here).
    execFileSync("ffmpeg", ["-v", "error", "-xerror", "-i", file, "-f", "null", "-"]);
    const media = await fetch(`${h.base}${alert.clip}`, { headers: { authorization: `Bearer ${token}` } });
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("video/mp4");
    expect((await fetch(`${h.base}${alert.clip}`)).status).toBe(401);
  }, 45_000);

  it("in Chromium: a click opens the camera live, playing within 2 s; the alert card plays the clip", async () => {
    const { context, page } = await loginPage(browser, h.base, "admin");
    try {
      await page.locator("[data-nav=cameras]").click();
      const button = page.locator('tr[data-camera-id="le-loi"] [data-live-camera="le-loi"]');
      await button.waitFor();
      const clicked = Date.now();
      await button.click();
      const video = page.locator('[data-live-tile="le-loi"] video');
      await video.waitFor();
      await page.waitForFunction(() => {
        const v = document.querySelector<HTMLVideoElement>('[data-live-tile="le-loi"] video');
        return !!v && v.videoWidth > 0 && v.currentTime > 0 && !v.paused;
      }, null, { timeout: 10_000, polling: 50 });
      const firstPictureMs = Date.now() - clicked;
      const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
      await page.waitForTimeout(1_000);
      const played = await video.evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, w: v.videoWidth, lag: v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : -1 }));
      // Not blank: the picture (SMPTE bars and the clock) has many different colours.
      const colours = await video.evaluate((v: HTMLVideoElement) => {
        const c = document.createElement("canvas");
        c.width = 64;
        c.height = 36;
        const g = c.getContext("2d")!;
        g.drawImage(v, 0, 0, 64, 36);
        const d = g.getImageData(0, 0, 64, 36).data;
        const seen = new Set<number>();
        for (let i = 0; i < d.length; i += 4) seen.add((d[i]! >> 4) * 256 + (d[i + 1]! >> 4) * 16 + (d[i + 2]! >> 4));
        return seen.size;
      });
      await page.screenshot({ path: artifact("live-view.png") });
      console.log(`live-view: first picture ${firstPictureMs} ms after the click, player ${played.lag.toFixed(2)} s behind the newest frame received, ${colours} colours`);
      expect(firstPictureMs).toBeLessThan(2_000 + 1_500); // ≤ 2 s target; a margin for this loaded 2-core machine
      expect(played.t).toBeGreaterThan(t0 + 0.5);
      expect(played.w).toBe(1280);
      expect(colours).toBeGreaterThan(8);
      const status = await page.locator('[data-live-tile="le-loi"] .live-state').textContent();
      expect(status).toContain("Trực tiếp");

      // The alert card: the clip plays in place, with a download link.
      await page.locator("[data-nav=alerts]").click();
      const card = page.locator(`[data-alert-id="${alert.id}"]`);
      await card.locator(".alert-title").click();
      const clip = card.locator(".alert-clip video");
      await clip.waitFor();
      expect(await card.locator("[data-action=download-clip]").getAttribute("href")).toBe(alert.clip);
      await clip.evaluate((v: HTMLVideoElement) => v.play());
      await page.waitForFunction((id) => {
        const v = document.querySelector<HTMLVideoElement>(`[data-alert-id="${id}"] .alert-clip video`);
        return !!v && v.currentTime > 1 && v.videoWidth > 0;
      }, alert.id, { timeout: 10_000 });
      const clipDuration = await clip.evaluate((v: HTMLVideoElement) => v.duration);
      expect(clipDuration).toBeGreaterThan(12);
      await page.screenshot({ path: artifact("alert-clip.png") });
      // Closing the tile closes its stream.
      await page.locator('[data-live-tile="le-loi"] [data-action=live-close]').click();
      await waitUntil(() => ingest.ingest.liveHub("le-loi")!.viewerCount === 0, 5_000, "the closed tile's stream gone");
    } finally {
      await context.close();
    }
  }, 60_000);
});
