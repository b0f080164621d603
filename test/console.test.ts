/**
 * The web console in a real browser (Debian chromium via playwright-core) against the real alert
 * service, PostgreSQL and Mosquitto. Screenshots of the main views go to test-artifacts/console/.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, waitUntil } from "./alerts-harness.js";
import { artifact, launchChromium, loginPage, startConsoleEnv, USERS, writeEvidence, type ConsoleEnv } from "./console-harness.js";

let env: ConsoleEnv;
let browser: Browser;
let operator: Page;
let supervisor: Page;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Markers visible on their own plus the cameras inside cluster bubbles. */
async function camerasOnMap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const single = document.querySelectorAll(".leaflet-marker-pane .cam-marker").length;
    const clustered = [...document.querySelectorAll(".leaflet-marker-pane .cam-cluster")].reduce((n, el) => n + Number(el.textContent), 0);
    return single + clustered;
  });
}

beforeAll(async () => {
  env = await startConsoleEnv("console");
  // Live status for a few cameras before anyone logs in (retained, as ingest publishes it).
  await env.publishStatus({ cameraId: "q1-nguyen-hue", state: "online", ts: new Date().toISOString(), fps: 2, lastFrameTs: new Date().toISOString(), framesDropped: 3 });
  await env.publishStatus({ cameraId: "q1-ben-thanh", state: "degraded", ts: new Date().toISOString(), fps: 0.7, lastFrameTs: minutesAgo(0.2), framesDropped: 41, error: "packet loss 12%" });
  await env.publishStatus({ cameraId: "q5-tran-hung-dao", state: "offline", ts: new Date().toISOString(), fps: 0, lastFrameTs: minutesAgo(7), error: "connection refused" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe("console", () => {
  it("shows the login, then every camera on the map", async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    await page.goto(env.base);
    await page.locator("form.login-form").waitFor();
    await page.locator("input[name=username]").fill("operator1");
    await page.locator("input[name=password]").fill("wrong-password");
    await page.locator("form.login-form button[type=submit]").click();
    await expect.poll(() => page.locator(".login-error").textContent()).toBe("Sai tên đăng nhập hoặc mật khẩu");
    await page.screenshot({ path: artifact("01-login.png") });
    await context.close();

    ({ page: operator } = await loginPage(browser, env.base, "operator"));
    await expect.poll(() => camerasOnMap(operator), { timeout: 10_000 }).toBe(env.cameras.length);
    await expect.poll(() => operator.locator(".topbar .live:not(.off)").count()).toBe(1);
    await operator.waitForTimeout(600);
    await operator.screenshot({ path: artifact("02-map-overview.png") });
  });

  it("updates camera status live: the cameras page and the marker turn red", async () => {
    await operator.locator("[data-nav=cameras]").click();
    const row = operator.locator(".cameras-panel tr[data-camera-id=q1-nha-tho]");
    await row.waitFor();
    await env.publishStatus({ cameraId: "q1-nha-tho", state: "offline", ts: new Date().toISOString(), fps: 0, lastFrameTs: minutesAgo(2), framesDropped: 120, error: "RTSP timeout" });
    await expect.poll(() => row.locator("td").first().textContent()).toBe("Mất tín hiệu");
    await expect.poll(() => operator.locator(".cameras-panel tr[data-camera-id=q1-ben-thanh] td").nth(4).textContent()).toBe("41");
    await row.click();
    const marker = operator.locator(".leaflet-marker-pane .cam-marker[data-camera-id=q1-nha-tho]");
    await marker.waitFor({ timeout: 10_000 });
    expect(await marker.getAttribute("class")).toContain("state-offline");
    await operator.locator(".cam-popup[data-camera-id=q1-nha-tho]").waitFor();
    await operator.waitForTimeout(400);
    await operator.screenshot({ path: artifact("03-cameras-page.png") });
  });

  it("shows a watchlist hit published on MQTT within 1 s, with sound, banner, flashing marker and evidence", async () => {
    const wl = await api(env.base, "POST", "/api/v1/watchlist", { token: env.adminToken, body: { plate: "30A-999.99", reason: "Xe tang vật vụ cướp giật 17/11", priority: "critical" } });
    expect(wl.status).toBe(201);
    ({ page: supervisor } = await loginPage(browser, env.base, "supervisor"));
    await operator.locator("[data-nav=alerts]").click();
    const id = randomUUID();
    const snapshot = await writeEvidence(env.alerts.config.mediaDir, `evidence/${id}.jpg`, "30A-999.99", "scene");
    const crop = await writeEvidence(env.alerts.config.mediaDir, `evidence/${id}-plate.jpg`, "30A-999.99", "crop");
    const card = (p: Page) => p.locator(".alert-card", { hasText: "30A-999.99" });
    const started = Date.now();
    await env.publishPlate({ id, cameraId: "q1-nguyen-hue", ts: new Date().toISOString(), plate: "30A99999", display: "30A-999.99", rows: 1, confidence: 0.91, bbox: [0.4, 0.6, 0.15, 0.08], frames: 6, snapshot, crop });
    await card(operator).waitFor({ timeout: 5_000 });
    const latencyMs = Date.now() - started;
    console.log(`MQTT event → alert on screen: ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(1000);
    await card(supervisor).waitFor({ timeout: 1_000 });

    const c = card(operator);
    expect(await c.getAttribute("class")).toMatch(/sev-critical.*state-new/);
    await expect.poll(() => c.locator(".alert-title").textContent()).toBe("Phát hiện xe theo dõi 30A-999.99 · Hà Nội");
    await operator.locator(".alarm-banner:not([hidden])").waitFor();
    expect(await operator.evaluate(() => document.body.classList.contains("alarm"))).toBe(true);
    // The new urgent alert is selected and opened with its evidence, which loads through the session cookie.
    await c.locator("img.evidence.snapshot").waitFor();
    await expect.poll(() => c.locator("img.evidence.crop").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    await operator.locator(".leaflet-marker-pane .cam-marker.flashing[data-camera-id=q1-nguyen-hue], .leaflet-marker-pane .cam-cluster.flashing").first().waitFor();
    await operator.waitForTimeout(900);
    await operator.screenshot({ path: artifact("04-alert-new.png") });
  });
});
