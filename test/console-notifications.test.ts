import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { api, login } from "./alerts-harness.js";
import { launchChromium, loginPage, pageErrors, startConsoleEnv, USERS, type ConsoleEnv } from "./console-harness.js";
import { vi } from "../web-console/src/i18n/vi.js";

// The console in a background tab (Chromium): a critical alert and its escalation come as browser
// notifications; the card shows "Đã báo cáo lên cấp trên" and, once taken, "Đang xử lý: <user>".
const ESCALATE_MS = 1_500;

let env: ConsoleEnv;
let browser: Browser;
let page: Page;

declare global {
  interface Window {
    __vigilHidden?: boolean;
    __notifications?: Array<{ title: string; body: string }>;
  }
}

const fire = (cameraId: string) => ({ schemaVersion: 1, id: crypto.randomUUID(), cameraId, ts: new Date().toISOString(), kind: "fire", confidence: 0.9, boxes: [], confirmedFrames: 3 });
const notifications = () => page.evaluate(() => window.__notifications ?? []);

beforeAll(async () => {
  env = await startConsoleEnv("notify-ui", { escalationMs: { critical: ESCALATE_MS } });
  browser = await launchChromium();
  const session = await loginPage(browser, env.base, "supervisor");
  page = session.page;
  await session.context.grantPermissions(["notifications"], { origin: env.base });
  await session.context.addInitScript(() => {
    // The tab "in the background" on demand, and every Notification recorded (then shown for real).
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, "visibilityState")!;
    Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get(this: Document) { return window.__vigilHidden ? "hidden" : visibility.get!.call(this); } });
    const Real = window.Notification;
    window.__notifications = [];
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        window.__notifications!.push({ title, body: options?.body ?? "" });
      }
    }
    Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
    window.Notification = Recorded as typeof Notification;
  });
  await page.reload();
  await page.locator(".topbar .live:not(.off)").waitFor();
  await page.locator("[data-nav=alerts]").click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe("browser notifications and workflow badges", () => {
  it("a background tab gets a notification for a critical alert and for its escalation; the card shows who took it", async () => {
    expect(await page.locator("[data-action=notifications]").textContent()).toContain(vi["notify.on"]);
    const camera = env.cameras[0]!;
    await page.evaluate(() => (window.__vigilHidden = true));
    const event = fire(camera.id);
    await env.mqtt.publishAsync(`${env.alerts.prefix}/events/fire`, JSON.stringify(event), { qos: 1 });
    await expect.poll(notifications, { timeout: 10_000 }).toContainEqual({ title: "Phát hiện cháy", body: expect.stringContaining(camera.name ?? camera.id) });

    // Nobody acknowledges: it goes up, a second notification, and the card's badge.
    await expect.poll(async () => (await notifications()).map((n) => n.title), { timeout: 10_000 }).toContain("Đã báo cáo lên cấp trên: Phát hiện cháy");
    const card = page.locator(".alert-card", { hasText: "Phát hiện cháy" }).first();
    await expect.poll(() => card.locator(".badge.escalated").textContent({ timeout: 5_000 }).catch(() => null), { timeout: 10_000 }).toContain("Đã báo cáo lên cấp trên");

    // An operator takes it: "Đang xử lý: operator1", and the escalation badge goes (it is handled).
    const { token } = await login(env.base, USERS.operator.username, USERS.operator.password);
    const { body } = await api<{ items: Array<{ id: string; eventId?: string }> }>(env.base, "GET", "/api/v1/alerts", { token });
    const id = body.items.find((a) => a.eventId === event.id)!.id;
    expect((await api(env.base, "POST", `/api/v1/alerts/${id}/ack`, { token, body: {} })).status).toBe(200);
    await expect.poll(() => card.locator(".badge.handling").textContent({ timeout: 5_000 }).catch(() => null), { timeout: 10_000 }).toBe("Đang xử lý: operator1");
    expect(await card.locator(".badge.escalated").count()).toBe(0);

    // In front again: no notification (the banner and the sound say it there).
    await page.evaluate(() => (window.__vigilHidden = false));
    const before = (await notifications()).length;
    await env.mqtt.publishAsync(`${env.alerts.prefix}/events/fire`, JSON.stringify(fire(env.cameras[1]!.id)), { qos: 1 });
    await page.locator(".alert-card.state-new", { hasText: "Phát hiện cháy" }).waitFor({ timeout: 10_000 });
    expect((await notifications()).length).toBe(before);
  }, 60_000);

  it("raised no uncaught errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
