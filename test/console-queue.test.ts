/**
 * The alert queue in a real browser (Debian chromium via playwright-core) against the real alert
 * service, PostgreSQL and Mosquitto: one card per wanted car with "seen again × N", the full history
 * on the card after resolve, a fire that keeps burning after resolve raising a new card, and the
 * evidence viewer (full size, zoom, prev/next, crop beside, Esc). Screenshots at 1600×900 and
 * 1024×768 go to /tmp/queue-shots/ and are checked for overflow and for English left in Vietnamese.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictionaries } from "../web-console/src/i18n/index.js";
import { api, login } from "./alerts-harness.js";
import { launchChromium, loginPage, pageErrors, startConsoleEnv, USERS, writeEvidence, type ConsoleEnv } from "./console-harness.js";

const SHOTS = process.env.VIGIL_QUEUE_SHOTS ?? "/tmp/queue-shots";
let env: ConsoleEnv;
let browser: Browser;
let operator: Page;
let tokens: { operator: string; supervisor: string };
let hitId = "";

const poll = <T>(fn: () => T | Promise<T>, timeout = 8_000) => expect.poll(fn, { timeout });
const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const shot = (name: string) => join(SHOTS, name);

/** Elements of the alerts panel (and the viewer, when open) that stick out of their box or the window. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw + 1) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
    const roots: HTMLElement[] = Array.from(document.querySelectorAll(".alerts-panel .alert-card, .evidence-viewer:not([hidden])"));
    for (const root of roots) {
      const box = root.getBoundingClientRect();
      for (const el of Array.from(root.querySelectorAll("*")) as HTMLElement[]) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || el.closest(".evidence-strip, .viewer-stage")) continue; // these scroll or clip on purpose
        if (r.right > box.right + 1 || r.left < box.left - 1 || r.right > vw + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(box.left)}–${Math.round(box.right)})`);
      }
    }
    return out;
  });
}

/** English strings of the console's dictionary (the new ones especially) that show up in the Vietnamese UI. */
async function englishLeft(page: Page): Promise<string[]> {
  const text = (await page.locator(".alerts-panel").innerText()) + (await page.locator(".evidence-viewer").innerText().catch(() => ""));
  const english = Object.entries(dictionaries.en)
    .filter(([k, v]) => (k.startsWith("history.") || k.startsWith("evidence.") || k.startsWith("alert.") || k.startsWith("alerts.")) && v !== dictionaries.vi[k as keyof typeof dictionaries.vi])
    .map(([, v]) => v.split("{")[0]!.trim())
    .filter((v) => v.length >= 5);
  return english.filter((e) => text.includes(e));
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  env = await startConsoleEnv("queue-ui");
  tokens = {
    operator: (await login(env.base, USERS.operator.username, USERS.operator.password)).token,
    supervisor: (await login(env.base, USERS.supervisor.username, USERS.supervisor.password)).token,
  };
  browser = await launchChromium();
  ({ page: operator } = await loginPage(browser, env.base, "operator"));
  await operator.locator("[data-nav=alerts]").click();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe("the alert queue in the console", () => {
  it("three reads of one wanted car are one card × 3, seen again at the last camera", async () => {
    const wl = await api(env.base, "POST", "/api/v1/watchlist", { token: env.adminToken, body: { plate: "51G-246.80", reason: "Xe tang vật vụ trộm 02/12, hồ sơ 145/2026", priority: "critical" } });
    expect(wl.status).toBe(201);
    const cams = ["q1-nguyen-hue", "q1-ben-thanh", "q1-ton-duc-thang"];
    for (const [i, cameraId] of cams.entries()) {
      const id = randomUUID();
      const snapshot = await writeEvidence(env.alerts.config.mediaDir, `evidence/${id}.jpg`, `51G-246.80 #${i + 1}`, "scene");
      const crop = await writeEvidence(env.alerts.config.mediaDir, `evidence/${id}-plate.jpg`, "51G-246.80", "crop");
      if (i) await operator.waitForTimeout(1_000); // sightings a second apart, as live reads come
      await env.publishPlate({ id, cameraId, ts: new Date().toISOString(), plate: "51G24680", display: "51G-246.80", rows: 1, confidence: 0.92, bbox: [0.4, 0.6, 0.15, 0.08], frames: 5, snapshot, crop });
    }
    const cards = operator.locator(".alert-card", { hasText: "51G-246.80" });
    await poll(() => cards.locator(".occurrences").textContent()).toBe("× 3");
    expect(await cards.count()).toBe(1);
    hitId = (await cards.getAttribute("data-alert-id"))!;
    await poll(() => cards.locator(".seen-again").textContent()).toMatch(/^Thấy lại × 3, lần cuối lúc \d\d:\d\d:\d\d tại Q1 · Tôn Đức Thắng – Bạch Đằng$/);
    // The urgent new alert was selected on arrival: its pictures are all there, as a strip.
    await cards.locator(".evidence-strip .evidence-thumb").nth(2).waitFor();
    expect(await cards.locator(".evidence-strip .evidence-thumb").count()).toBe(3);
    expect(await cards.locator(".alert-history li[data-kind=occurrence]").allTextContents()).toEqual([
      expect.stringMatching(/Thấy lại lần 2 — Q1 · Vòng xoay Bến Thành$/),
      expect.stringMatching(/Thấy lại lần 3 — Q1 · Tôn Đức Thắng – Bạch Đằng$/),
    ]);
  });

  it("keeps the whole history on the card after resolve: raised, acknowledged with its note, each sighting, resolved with the reason", async () => {
    expect((await api(env.base, "POST", `/api/v1/alerts/${hitId}/ack`, { token: tokens.operator, body: { note: "Đã điều tổ tuần tra 3 tới Tôn Đức Thắng" } })).status).toBe(200);
    const res = await api(env.base, "POST", `/api/v1/alerts/${hitId}/resolve`, { token: tokens.supervisor, body: { reason: "true_hit", note: "Đã dừng xe, bàn giao đội điều tra" } });
    expect(res.status).toBe(200);
    const card = operator.locator(`.alert-card[data-alert-id="${hitId}"]`);
    await card.waitFor({ state: "detached" });
    await operator.locator(".filter-bar [data-filter=resolved]").click();
    await card.waitFor();
    // Still the selected alert (it was selected on arrival): open it by its title, not its centre (the picture).
    await card.locator(".alert-title").click();
    const lines = card.locator(".alert-history li");
    await poll(() => lines.count()).toBe(5);
    const text = await lines.allInnerTexts();
    expect(text[0]).toMatch(/Phát sinh cảnh báo/);
    expect(text[3]).toMatch(/operator1 đã xác nhận[\s\S]*Đã điều tổ tuần tra 3 tới Tôn Đức Thắng/);
    expect(text[4]).toMatch(/supervisor1 kết thúc — Xác nhận đúng[\s\S]*Đã dừng xe, bàn giao đội điều tra/);
    // The evidence stays too.
    await poll(() => card.locator("img.evidence.snapshot").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    await operator.waitForTimeout(400);
    await operator.screenshot({ path: shot("01-history-after-resolve-1600x900.png") });
    expect(await overflowing(operator)).toEqual([]);
    expect(await englishLeft(operator)).toEqual([]);
  });

  it("opens the evidence full size: zoom, prev/next through the pictures, crop beside, Esc closes", async () => {
    const card = operator.locator(`.alert-card[data-alert-id="${hitId}"]`);
    const thumbWidth = await card.locator("img.evidence.snapshot").evaluate((img) => img.getBoundingClientRect().width);
    await card.locator("[data-action=open-evidence]").click();
    const viewer = operator.locator(".evidence-viewer:not([hidden])");
    await viewer.waitFor();
    const scene = viewer.locator("img.viewer-scene");
    await poll(() => scene.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    const shown = await scene.evaluate((img) => img.getBoundingClientRect().width);
    expect(shown).toBeGreaterThan(thumbWidth * 2);
    expect(await viewer.locator(".viewer-counter").textContent()).toBe("Ảnh 3/3");
    expect(await viewer.locator(".viewer-caption").textContent()).toMatch(/Q1 · Tôn Đức Thắng – Bạch Đằng$/);
    await poll(() => viewer.locator("img.viewer-crop-img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    // Zoom with the button and the wheel.
    await viewer.locator("[data-action=zoom-in]").click();
    expect(await viewer.locator(".viewer-zoom").textContent()).toBe("125%");
    await viewer.locator(".viewer-stage").hover();
    await operator.mouse.wheel(0, -200);
    await poll(() => viewer.locator(".viewer-zoom").textContent()).toBe("156%");
    await operator.waitForTimeout(200);
    expect(await scene.evaluate((img) => img.getBoundingClientRect().width)).toBeGreaterThan(shown * 1.4);
    await operator.screenshot({ path: shot("02-viewer-zoomed-1600x900.png") });
    // Prev/next, with the keys and the buttons; a shortcut key (a) does nothing behind the viewer.
    await operator.keyboard.press("ArrowLeft");
    await poll(() => viewer.locator(".viewer-counter").textContent()).toBe("Ảnh 2/3");
    expect(await viewer.locator(".viewer-zoom").textContent()).toBe("100%");
    await viewer.locator("[data-action=prev]").click();
    await poll(() => viewer.locator(".viewer-counter").textContent()).toBe("Ảnh 1/3");
    expect(await viewer.locator("[data-action=prev]").isDisabled()).toBe(true);
    expect(await viewer.locator(".viewer-caption").textContent()).toMatch(/Q1 · Phố đi bộ Nguyễn Huệ$/);
    await operator.keyboard.press("j");
    expect(await operator.locator(".alert-card.selected").getAttribute("data-alert-id")).toBe(hitId);
    expect(await overflowing(operator)).toEqual([]);
    expect(await englishLeft(operator)).toEqual([]);
    await operator.keyboard.press("Escape");
    await operator.locator(".evidence-viewer").waitFor({ state: "hidden" });
  });

  it("a fire resolved while still burning comes back as a new card, the closed one untouched", async () => {
    const eventId = randomUUID();
    const first = await writeEvidence(env.alerts.config.mediaDir, `fire/${eventId}-0.jpg`, "", "scene");
    const fire = { schemaVersion: 1, id: eventId, cameraId: "q3-cmt8", kind: "fire", confidence: 0.9, boxes: [{ bbox: [0.3, 0.2, 0.3, 0.3], confidence: 0.9 }], confirmedFrames: 3 };
    await env.mqtt.publishAsync(`${env.alerts.prefix}/events/fire`, JSON.stringify({ ...fire, ts: secondsAgo(20), revision: 0, snapshot: first }), { qos: 1 });
    const fireCards = operator.locator(".alert-card", { hasText: "Phát hiện cháy" });
    await fireCards.first().waitFor();
    const firstId = (await fireCards.first().getAttribute("data-alert-id"))!;
    expect((await api(env.base, "POST", `/api/v1/alerts/${firstId}/resolve`, { token: tokens.supervisor, body: { reason: "true_hit", note: "Đã báo PCCC quận 3" } })).status).toBe(200);
    await poll(() => operator.locator(`.alert-card[data-alert-id="${firstId}"]`).getAttribute("class")).toContain("state-resolved");
    const again = await writeEvidence(env.alerts.config.mediaDir, `fire/${eventId}-45.jpg`, "", "scene");
    await env.mqtt.publishAsync(`${env.alerts.prefix}/events/fire`, JSON.stringify({ ...fire, ts: secondsAgo(1), revision: 45, snapshot: again }), { qos: 1 });
    const fresh = operator.locator(`.alert-card.state-new:not([data-alert-id="${firstId}"])`, { hasText: "Phát hiện cháy" });
    await fresh.waitFor();
    // The queue puts the new fire first (new before resolved), the closed one keeps its picture.
    expect(await operator.locator(".alert-card").first().getAttribute("data-alert-id")).toBe(await fresh.getAttribute("data-alert-id"));
    const closed = (await api<{ alert: { state: string; snapshot: string; evidence: unknown[] } }>(env.base, "GET", `/api/v1/alerts/${firstId}`, { token: tokens.operator })).body.alert;
    expect(closed).toMatchObject({ state: "resolved", snapshot: first, evidence: [expect.objectContaining({ snapshot: first })] });
  });

  it("a focused button on the open card keeps focus, on the same element, when a new alert arrives over the socket", async () => {
    // The fire above is critical, so it was selected (opened) on arrival: focus its acknowledge button.
    const open = operator.locator(".alert-card.selected");
    const ack = open.locator("[data-action=ack]");
    await ack.focus();
    const openId = (await open.getAttribute("data-alert-id"))!;
    await operator.evaluate(() => {
      const w = window as unknown as { keyedFocus?: Element | null; keyedCards?: Element[] };
      w.keyedFocus = document.activeElement;
      w.keyedCards = Array.from(document.querySelectorAll(".alert-card"));
    });
    // A medium-priority hit: not urgent, so it joins the queue quietly and the selection stays put.
    expect((await api(env.base, "POST", "/api/v1/watchlist", { token: env.adminToken, body: { plate: "59C-135.79", reason: "Xe cần xác minh", priority: "medium" } })).status).toBe(201);
    await env.publishPlate({ id: randomUUID(), cameraId: "q4-khanh-hoi", ts: new Date().toISOString(), plate: "59C13579", display: "59C-135.79", rows: 1, confidence: 0.9, bbox: [0.4, 0.6, 0.15, 0.08], frames: 4 });
    await operator.locator(".alert-card", { hasText: "59C-135.79" }).waitFor();
    const after = await operator.evaluate(() => {
      const w = window as unknown as { keyedFocus?: Element | null; keyedCards?: Element[] };
      const before = new Set(w.keyedCards);
      const cards = Array.from(document.querySelectorAll(".alert-card"));
      return { focusKept: document.activeElement === w.keyedFocus, action: (document.activeElement as HTMLElement | null)?.dataset["action"], kept: cards.filter((c) => before.has(c)).length, before: before.size, cards: cards.length };
    });
    // Every card already shown is the same DOM node (keyed by alert id); only the new one was added.
    expect(after).toEqual({ focusKept: true, action: "ack", kept: after.before, before: after.before, cards: after.before + 1 });
    expect(await operator.locator(".alert-card.selected").getAttribute("data-alert-id")).toBe(openId);
  });

  it("fits at 1024×768, and speaks English when switched", async () => {
    await operator.setViewportSize({ width: 1024, height: 768 });
    const card = operator.locator(`.alert-card[data-alert-id="${hitId}"]`);
    await card.locator(".alert-title").click();
    await card.scrollIntoViewIfNeeded();
    await operator.waitForTimeout(400);
    await operator.screenshot({ path: shot("03-history-1024x768.png") });
    expect(await overflowing(operator)).toEqual([]);
    await card.locator("[data-action=open-evidence]").click();
    await operator.locator(".evidence-viewer:not([hidden]) img.viewer-scene").waitFor();
    await operator.waitForTimeout(300);
    await operator.screenshot({ path: shot("04-viewer-1024x768.png") });
    expect(await overflowing(operator)).toEqual([]);
    expect(await englishLeft(operator)).toEqual([]);
    await operator.keyboard.press("Escape");

    await operator.locator("[data-lang=en]").click();
    await poll(() => operator.locator("[data-nav=alerts]").textContent()).toBe("Alerts");
    // The switch reloads the page: the resolved filter is off again.
    await operator.locator(".filter-bar [data-filter=resolved]").click();
    const en = operator.locator(`.alert-card[data-alert-id="${hitId}"]`);
    await poll(() => en.locator(".seen-again").textContent()).toMatch(/^Seen again × 3, last at \d\d:\d\d:\d\d at Q1 · Tôn Đức Thắng – Bạch Đằng$/);
    await en.locator(".alert-title").click();
    await poll(() => en.locator(".alert-history li").last().innerText()).toMatch(/Resolved by supervisor1 — Confirmed/);
    await operator.waitForTimeout(300);
    await operator.screenshot({ path: shot("05-history-english-1024x768.png") });
    expect(await overflowing(operator)).toEqual([]);
    await operator.locator("[data-lang=vi]").click();
  });

  it("raised no uncaught errors in any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
