/**
 * The shift report page ("Báo cáo ca trực", #18 item 4) in Debian chromium against the real alert
 * service: alerts seeded into the morning shift of 23/11/2026 with known times; the province's
 * supervisor, a district's supervisor and an English-speaking supervisor each read the figures the
 * page shows, worked out by hand below. Screenshots go to /tmp/report-shots/ (or VIGIL_REPORT_SHOTS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../web-console/src/i18n/en.js";
import { vi } from "../web-console/src/i18n/vi.js";
import { api } from "./alerts-harness.js";
import { launchChromium, loginPage, pageErrors, startConsoleEnv, type ConsoleEnv } from "./console-harness.js";
import { seedAlert, type SeedAlert } from "./support/seed-alerts.js";

const SHOTS = process.env.VIGIL_REPORT_SHOTS ?? "/tmp/report-shots";
const START = Date.parse("2026-11-22T23:00:00Z"); // 23/11/2026 06:00 Vietnam time
const DISTRICT = { username: "truong.ca.huyen.a", password: "trực ban huyện A đêm nay" };

/**
 * cam-huyen-a belongs to Công an huyện A, cam-tinh to the province. Acknowledged after 30, 90, 20, 60 s;
 * resolved after 300, 600, 45 s; two false alarms of three resolved; one escalated.
 */
const SEEDS: SeedAlert[] = [
  { camera: "cam-huyen-a", type: "fire", severity: "critical", raisedMin: 10, ackS: 30, resolveS: 300, reason: "true_hit" },
  { camera: "cam-huyen-a", type: "smoke", severity: "high", raisedMin: 20, ackS: 90, resolveS: 600, reason: "false_alarm" },
  { camera: "cam-huyen-a", type: "watchlist_hit", severity: "high", raisedMin: 30, ackS: 60 },
  { camera: "cam-tinh", type: "fire", severity: "critical", raisedMin: 40, escalated: true },
  { camera: "cam-tinh", type: "camera_offline", severity: "high", raisedMin: 50, ackS: 20, resolveS: 45, reason: "false_alarm" },
];

let env: ConsoleEnv;
let browser: Browser;
const contexts: BrowserContext[] = [];

const tile = (page: Page, figure: string) => page.locator(`.report-panel .report-tile[data-figure=${figure}]`);
const value = (page: Page, figure: string) => tile(page, figure).locator(".report-value").textContent();
const times = async (page: Page, figure: string) => [await tile(page, figure).locator("[data-p='50']").textContent(), await tile(page, figure).locator("[data-p='95']").textContent()];
const cell = (page: Page, table: string, key: string, col: string) => page.locator(`.report-panel table[data-table=${table}] tr[data-key=${key}] td[data-col=${col}]`).textContent();

async function openReport(page: Page, date = "2026-11-23", shift = "06-14", dateShown = "23/11/2026"): Promise<void> {
  await page.locator("[data-nav=report]").click();
  const panel = page.locator(".report-panel");
  await panel.locator("input[name=date]").fill(date);
  await panel.locator("select[name=shift]").selectOption(shift);
  await panel.locator("[data-action=show]").click();
  await expect.poll(() => panel.locator(".report-heading").textContent(), { timeout: 10_000 }).toContain(dateShown);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  env = await startConsoleEnv("console-report");
  const admin = (method: string, path: string, body: unknown) => api(env.base, method, path, { token: env.adminToken, body });
  expect((await admin("POST", "/api/v1/units", { id: "huyen-a", name: "Công an huyện A" })).status).toBe(201);
  for (const [id, unitId] of [["cam-huyen-a", "huyen-a"], ["cam-tinh", undefined]] as const) {
    expect((await admin("POST", "/api/v1/cameras", { id, name: `Camera ${id}`, url: `rtsp://127.0.0.1:8554/${id}`, lat: 10.77, lon: 106.7, ...(unitId ? { unitId } : {}) })).status).toBe(201);
  }
  expect((await admin("POST", "/api/v1/users", { ...DISTRICT, role: "supervisor", unitId: "huyen-a" })).status).toBe(201);
  for (const s of SEEDS) await seedAlert(env.alerts.db, START, s);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await env?.close();
});

describe("shift report page", () => {
  it("is not offered to operators", async () => {
    const { context, page } = await loginPage(browser, env.base, "operator");
    contexts.push(context);
    expect(await page.locator("[data-nav=report]").count()).toBe(0);
    expect(await page.locator("[data-nav=alerts]").count()).toBe(1);
  });

  it("opens on the shift running now for the province's supervisor, in Vietnamese", async () => {
    const { context, page } = await loginPage(browser, env.base, "supervisor");
    contexts.push(context);
    await page.locator("[data-nav=report]").click();
    expect(await page.locator("[data-nav=report]").textContent()).toBe(vi["nav.report"]);
    const panel = page.locator(".report-panel");
    expect(await panel.locator("h2").textContent()).toBe("Báo cáo ca trực");
    await panel.locator(".report-heading").waitFor();
    // Nothing was raised in the current shift (the seeded alerts are in 2026).
    expect(await value(page, "raised")).toBe("0");
    expect(await panel.locator(".empty").textContent()).toBe("Không có cảnh báo nào trong ca này");
    expect(await panel.locator("select[name=unitId]").inputValue()).toBe("root");
  });

  it("shows the morning shift's figures, by type and by district", async () => {
    const page = contexts[1]!.pages()[0]!;
    await openReport(page);
    const panel = page.locator(".report-panel");
    expect(await panel.locator(".report-heading").textContent()).toBe("Công an tỉnh · Ca sáng (06:00–14:00) ngày 23/11/2026");
    expect(await value(page, "raised")).toBe("5");
    expect(await value(page, "acknowledged")).toBe("4");
    expect(await value(page, "resolved")).toBe("3");
    expect(await value(page, "open")).toBe("2");
    expect(await value(page, "escalated")).toBe("1");
    expect(await value(page, "falseAlarmShare")).toBe("66,7%"); // 2 of 3
    // Acknowledged [20, 30, 60, 90]: median 45 s; p95 at rank 2.85 = 60 + 0.85·30 = 85.5 s ≈ 1 min 26 s.
    expect(await times(page, "ackTime")).toEqual(["trung vị 45 giây", "95% trong vòng 1 phút 26 giây"]);
    // Resolved [45, 300, 600]: median 300 s; p95 at rank 1.9 = 300 + 0.9·300 = 570 s.
    expect(await times(page, "resolveTime")).toEqual(["trung vị 5 phút", "95% trong vòng 9 phút 30 giây"]);
    const types = await panel.locator("table[data-table=byType] tbody tr td:first-child").allTextContents();
    expect(types).toEqual(["Biển số theo dõi", "Cháy", "Khói", "Camera mất tín hiệu"]);
    expect(await cell(page, "byType", "fire", "raised")).toBe("2");
    expect(await cell(page, "byType", "fire", "escalated")).toBe("1");
    expect(await cell(page, "byType", "smoke", "falseAlarmShare")).toBe("100%");
    expect(await panel.locator("table[data-table=bySeverity] tbody tr td:first-child").allTextContents()).toEqual(["Khẩn cấp", "Cao"]);
    // The district: acknowledged [30, 60, 90] → median 1 min, p95 87 s; resolved [300, 600] → median 450 s, p95 585 s.
    expect(await cell(page, "byUnit", "huyen-a", "raised")).toBe("3");
    expect(await cell(page, "byUnit", "huyen-a", "ackP50")).toBe("1 phút");
    expect(await cell(page, "byUnit", "huyen-a", "ackP95")).toBe("1 phút 27 giây");
    expect(await cell(page, "byUnit", "huyen-a", "resolveP50")).toBe("7 phút 30 giây");
    expect(await cell(page, "byUnit", "huyen-a", "resolveP95")).toBe("9 phút 45 giây");
    expect(await cell(page, "byUnit", "huyen-a", "falseAlarmShare")).toBe("50%");
    // No English on the Vietnamese page.
    const text = (await panel.textContent()) ?? "";
    const english = (Object.keys(en) as (keyof typeof en)[]).filter((k) => k.startsWith("report.") && !en[k].includes("{") && en[k] !== vi[k] && en[k].length >= 4).map((k) => en[k]);
    expect(english.filter((e) => text.includes(e))).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "report-vi-province.png") });
    await panel.locator("table[data-table=byUnit]").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "report-vi-province-units.png") });
  });

  it("a district's supervisor gets their district only, and no other unit to choose", async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: "vi-VN", timezoneId: "UTC" });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (err) => pageErrors.push(`[district] ${err.message}`));
    await page.goto(env.base);
    await page.locator("input[name=username]").fill(DISTRICT.username);
    await page.locator("input[name=password]").fill(DISTRICT.password);
    await page.locator("form.login-form button[type=submit]").click();
    await page.locator(".topbar").waitFor();
    await openReport(page);
    const panel = page.locator(".report-panel");
    expect(await panel.locator("select[name=unitId] option").allTextContents()).toEqual(["Công an huyện A"]);
    expect(await panel.locator(".report-heading").textContent()).toMatch(/^Công an huyện A · /);
    expect(await value(page, "raised")).toBe("3");
    expect(await value(page, "escalated")).toBe("0");
    expect(await value(page, "falseAlarmShare")).toBe("50%");
    expect(await times(page, "ackTime")).toEqual(["trung vị 1 phút", "95% trong vòng 1 phút 27 giây"]);
    expect(await panel.locator("table[data-table=byUnit]").count()).toBe(0);
  });

  it("reads in English after the language switch, with the same figures", async () => {
    const { context, page } = await loginPage(browser, env.base, "supervisor");
    contexts.push(context);
    await page.locator(".lang-switch [data-lang=en]").click();
    await page.waitForLoadState("load");
    await expect.poll(() => page.locator("[data-nav=report]").textContent(), { timeout: 10_000 }).toBe(en["nav.report"]);
    await openReport(page);
    const panel = page.locator(".report-panel");
    expect(await panel.locator("h2").textContent()).toBe("Shift report");
    expect(await panel.locator(".report-heading").textContent()).toBe("Công an tỉnh · Morning (06:00–14:00), 23/11/2026");
    expect(await panel.locator("select[name=shift] option:checked").textContent()).toBe("Morning (06:00–14:00)");
    expect(await value(page, "falseAlarmShare")).toBe("66.7%");
    expect(await times(page, "ackTime")).toEqual(["median 45 s", "95 % within 1 min 26 s"]);
    expect(await cell(page, "byUnit", "huyen-a", "resolveP95")).toBe("9 min 45 s");
    await page.screenshot({ path: join(SHOTS, "report-en-province.png") });
  });

  it("the night shift of the day before holds none of them", async () => {
    const page = contexts[1]!.pages()[0]!;
    await page.locator(".report-panel input[name=date]").fill("2026-11-22");
    await page.locator(".report-panel select[name=shift]").selectOption("22-06");
    await page.locator(".report-panel [data-action=show]").click();
    await expect.poll(() => page.locator(".report-panel .report-heading").textContent()).toBe("Công an tỉnh · Ca đêm (22:00–06:00 hôm sau) ngày 22/11/2026");
    expect(await value(page, "raised")).toBe("0");
  });

  it("fits a 1024×768 screen: the panel does not spill sideways (a wide table scrolls inside it)", async () => {
    const page = contexts[1]!.pages()[0]!;
    await openReport(page);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    const problems = await page.evaluate(() => {
      const out: string[] = [];
      if (document.documentElement.scrollWidth > window.innerWidth) out.push(`page ${document.documentElement.scrollWidth}px wide in ${window.innerWidth}px`);
      const side = document.querySelector<HTMLElement>(".side")!;
      if (side.scrollWidth > side.clientWidth + 1) out.push(`side panel content ${side.scrollWidth}px in ${side.clientWidth}px`);
      // Each choice shows its longest option whole ("Ca đêm (22:00–06:00 hôm sau)" was cut off at 1024 px).
      const ruler = document.createElement("canvas").getContext("2d")!;
      for (const select of Array.from(document.querySelectorAll<HTMLSelectElement>(".report-form select"))) {
        const css = getComputedStyle(select);
        ruler.font = css.font;
        const text = Math.max(...Array.from(select.options).map((o) => ruler.measureText(o.text).width));
        const room = select.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight) - 16; // the arrow
        if (room < text) out.push(`select ${select.name}: ${Math.round(room)}px for ${Math.round(text)}px of text`);
      }
      const logout = document.querySelector("[data-action=logout]")!.getBoundingClientRect();
      if (logout.right > window.innerWidth) out.push("log out is off screen");
      return out;
    });
    await page.screenshot({ path: join(SHOTS, "report-vi-1024.png") });
    expect(problems).toEqual([]);
  });

  it("raised no errors in the pages", () => {
    expect(pageErrors).toEqual([]);
  });
});
