/**
 * Shared set-up for the console's browser tests: builds the console when its bundle is stale,
 * starts the REAL alert service (fresh PostgreSQL database, real Mosquitto with a unique topic
 * prefix) serving that bundle, creates operator/supervisor users, seeds cameras, writes evidence
 * JPEGs, and launches Debian's chromium through playwright-core.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CameraConfig, CameraConfigInput, CameraStatus, PlateEvent } from "@vigil/contracts";
import type { AlertsConfig } from "@vigil/alerts";
import { cameraConfigSchema, cameraStatusMessage, cameraStatusSchema, encodePayload, plateEventMessage, plateEventSchema } from "@vigil/contracts";
import type { MqttClient } from "mqtt";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import sharp from "sharp";
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from "@vigil/web-console/ensure-built";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ARTIFACTS = join(ROOT, "test-artifacts", "console");
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/lib/chromium/chromium";

export const USERS = {
  admin: { username: "admin", password: ADMIN_PASSWORD },
  operator: { username: "operator1", password: "operator-password-1" },
  supervisor: { username: "supervisor1", password: "supervisor-password-1" },
} as const;

/** Named cameras in central Hồ Chí Minh City, plus hundreds in a grid further out so clustering has work to do. */
export function demoCameras(extra = 300): CameraConfig[] {
  const named: CameraConfigInput[] = [
    { id: "q1-nguyen-hue", name: "Q1 · Phố đi bộ Nguyễn Huệ", lat: 10.7745, lon: 106.7035, heading: 330, fovDeg: 70, rangeM: 120 },
    { id: "q1-ben-thanh", name: "Q1 · Vòng xoay Bến Thành", lat: 10.7722, lon: 106.698, heading: 45, fovDeg: 90, rangeM: 100 },
    // A neon sign and a street lamp excluded from fire detection, at high sensitivity.
    { id: "q1-nha-tho", name: "Q1 · Nhà thờ Đức Bà", lat: 10.7798, lon: 106.699, heading: 135, fovDeg: 60, rangeM: 110, fireSensitivity: "high" as const, fireZones: [[[0.05, 0.08], [0.35, 0.08], [0.35, 0.3], [0.05, 0.3]], [[0.72, 0.05], [0.86, 0.05], [0.8, 0.45]]] as [number, number][][] },
    { id: "q1-ton-duc-thang", name: "Q1 · Tôn Đức Thắng – Bạch Đằng", lat: 10.7755, lon: 106.7068, heading: 0, fovDeg: 60, rangeM: 150 },
    { id: "q1-hai-ba-trung", name: "Q1 · Hai Bà Trưng – Lê Duẩn", lat: 10.7835, lon: 106.6965, heading: 225, fovDeg: 65, rangeM: 100 },
    { id: "q3-cmt8", name: "Q3 · Cách Mạng Tháng Tám", lat: 10.781, lon: 106.6845, heading: 300, fovDeg: 60, rangeM: 120 },
    { id: "q4-khanh-hoi", name: "Q4 · Cầu Khánh Hội", lat: 10.7655, lon: 106.7025, heading: 180, fovDeg: 80, rangeM: 90 },
    { id: "q5-tran-hung-dao", name: "Q5 · Trần Hưng Đạo", lat: 10.7575, lon: 106.677, heading: 250, fovDeg: 60, rangeM: 120 },
  ].map((c) => ({ ...c, url: `rtsp://127.0.0.1:8554/${c.id}`, analytics: ["plates", "fire"] as ("plates" | "fire")[] }));
  const grid: CameraConfigInput[] = [];
  for (let i = 0; i < extra; i++) {
    const row = Math.floor(i / 20);
    const col = i % 20;
    grid.push({
      id: `grid-${String(i).padStart(3, "0")}`,
      name: `Camera giao thông ${i + 1}`,
      url: `rtsp://127.0.0.1:8554/grid-${i}`,
      lat: 10.795 + row * 0.0035,
      lon: 106.60 + col * 0.0045,
      heading: (i * 37) % 360,
      analytics: ["plates"],
    });
  }
  return [...named, ...grid].map((c) => cameraConfigSchema.parse(c));
}

/** A JPEG that looks enough like evidence to judge the layout: a dark scene with a plate, or a plate crop. */
export async function writeEvidence(mediaDir: string, rel: string, plateText: string, kind: "scene" | "crop"): Promise<string> {
  const full = join(mediaDir, rel);
  mkdirSync(dirname(full), { recursive: true });
  const [w, h] = kind === "scene" ? [640, 360] : [240, 80];
  const svg =
    kind === "scene"
      ? `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#2b3038"/><rect y="220" width="640" height="140" fill="#3a3f47"/><rect x="210" y="150" width="220" height="130" rx="18" fill="#8a93a0"/><rect x="270" y="240" width="100" height="30" fill="#f4f4f0" stroke="#111" stroke-width="2"/><text x="320" y="262" font-family="DejaVu Sans" font-size="16" font-weight="bold" text-anchor="middle" fill="#111">${plateText}</text></svg>`
      : `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#f4f4f0"/><rect x="3" y="3" width="234" height="74" fill="none" stroke="#111" stroke-width="4"/><text x="120" y="54" font-family="DejaVu Sans" font-size="34" font-weight="bold" text-anchor="middle" fill="#111">${plateText}</text></svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toFile(full);
  return `/media/${rel}`;
}

export interface ConsoleEnv {
  alerts: AlertsHarness;
  base: string;
  mqtt: MqttClient;
  adminToken: string;
  cameras: CameraConfig[];
  publishStatus(status: Omit<CameraStatus, "schemaVersion">): Promise<void>;
  publishPlate(event: Omit<PlateEvent, "schemaVersion">): Promise<void>;
  close(): Promise<void>;
}

export async function startConsoleEnv(label = "console", overrides: Partial<AlertsConfig> = {}): Promise<ConsoleEnv> {
  await ensureConsoleBuilt();
  const cameras = demoCameras();
  const alerts = await startAlertsHarness(label, { consoleDir: CONSOLE_DIST_DIR, alertCooldownMs: 0, ...overrides }, { cameras });
  const base = alerts.base;
  const admin = await login(base, USERS.admin.username, USERS.admin.password);
  for (const role of ["operator", "supervisor"] as const) {
    const res = await api(base, "POST", "/api/v1/users", { token: admin.token, body: { ...USERS[role], role } });
    if (res.status !== 201) throw new Error(`creating ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const mqtt = await connectTestMqtt();
  const statusTopics = new Set<string>();
  return {
    alerts,
    base,
    mqtt,
    adminToken: admin.token,
    cameras,
    async publishStatus(status) {
      const topic = cameraStatusMessage.topic(status.cameraId, alerts.prefix);
      statusTopics.add(topic);
      await mqtt.publishAsync(topic, encodePayload(cameraStatusSchema, { schemaVersion: 1, ...status }), { qos: 1, retain: true });
    },
    async publishPlate(event) {
      await mqtt.publishAsync(plateEventMessage.topic(alerts.prefix), encodePayload(plateEventSchema, { schemaVersion: 1, ...event }), { qos: 1 });
    },
    async close() {
      // Retained statuses would outlive the test on the shared broker.
      for (const topic of statusTopics) await mqtt.publishAsync(topic, "", { qos: 1, retain: true });
      await mqtt.endAsync();
      await alerts.close();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
  });
}

/** A fresh browser context (own cookies), logged in through the login form as `who`. */
export async function loginPage(browser: Browser, base: string, who: keyof typeof USERS, lang: "vi" | "en" = "vi"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: lang === "vi" ? "vi-VN" : "en-GB", timezoneId: "UTC" });
  if (lang === "en") await context.addInitScript(() => localStorage.setItem("vigil.lang", "en"));
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(`[${who}] ${err.message}`));
  await page.goto(base);
  await page.locator("input[name=username]").fill(USERS[who].username);
  await page.locator("input[name=password]").fill(USERS[who].password);
  await page.locator("form.login-form button[type=submit]").click();
  await page.locator(".topbar").waitFor();
  // Live: the Socket.IO feed is connected, so nothing published from now on can be missed.
  await page.locator(".topbar .live:not(.off)").waitFor();
  return { context, page };
}

/** Uncaught errors from every page the tests opened; a test at the end checks there were none. */
export const pageErrors: string[] = [];

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
