/**
 * The web console in a real browser (Debian chromium via playwright-core) against the real alert
 * service, PostgreSQL and Mosquitto. Screenshots of the main views go to test-artifacts/console/.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { EvidenceWriter } from "../services/inference/src/evidence/evidence-writer.js";
import { checkCaseExport } from "../services/alerts/src/export/case-manifest.js";
import { unzipSync } from "fflate";
import { vi } from "../web-console/src/i18n/vi.js";
import { api, waitUntil } from "./alerts-harness.js";
import { artifact, launchChromium, loginPage, pageErrors, startConsoleEnv, writeEvidence, type ConsoleEnv } from "./console-harness.js";

let env: ConsoleEnv;
let browser: Browser;
let operator: Page;
let supervisor: Page;

/** The machine is shared and busy: give UI conditions 5 s rather than vitest's 1 s default. */
const poll = <T>(fn: () => T | Promise<T>, timeout = 5_000) => expect.poll(fn, { timeout });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/**
 * The one watchlist alert raised for `plate` (its key, e.g. 30A99999), looked up through the API:
 * each test finds the alert it works on itself instead of reading an id another test stored.
 */
async function watchlistAlertId(plate: string): Promise<string> {
  const res = await api<{ items: { id: string; plate?: string }[] }>(env.base, "GET", "/api/v1/alerts?type=watchlist_hit&limit=500", { token: env.adminToken });
  expect(res.status).toBe(200);
  const ids = res.body.items.filter((a) => a.plate === plate).map((a) => a.id);
  expect(ids, `watchlist alerts for ${plate}`).toHaveLength(1);
  return ids[0]!;
}

/** Markers visible on their own plus the cameras inside cluster bubbles. */
/** A camera frame with smooth gradients and large blocks: resampling barely changes it, a sheared copy does. */
function testFrame(width: number, height: number): { data: Buffer; width: number; height: number } {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((x / width) * 255);
      data[i + 1] = Math.round((y / height) * 255);
      data[i + 2] = (Math.floor(x / (width / 4)) + Math.floor(y / (height / 3))) % 2 ? 220 : 40;
    }
  }
  return { data, width, height };
}

/** The picture an <img> shows, scaled to w×h in the page (RGB), as the operator's browser decoded it. */
function shownPixels(page: Page, selector: string, w: number, h: number): Promise<number[]> {
  return page.locator(selector).first().evaluate(
    (img: HTMLImageElement, [cw, ch]) => {
      const canvas = document.createElement("canvas");
      canvas.width = cw!;
      canvas.height = ch!;
      const g = canvas.getContext("2d")!;
      g.imageSmoothingQuality = "high";
      g.drawImage(img, 0, 0, cw!, ch!);
      return Array.from(g.getImageData(0, 0, cw!, ch!).data).filter((_, i) => i % 4 !== 3);
    },
    [w, h],
  );
}

/** Mean absolute difference (grey levels) between two RGB grids, skipping cells where `skip(x, y)`. */
function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, w: number, skip: (x: number, y: number) => boolean = () => false): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const px = Math.floor(i / 3);
    if (skip(px % w, Math.floor(px / w))) continue;
    sum += Math.abs(a[i]! - b[i]!);
    n++;
  }
  return sum / n;
}

async function camerasOnMap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const single = document.querySelectorAll(".leaflet-marker-pane .cam-marker").length;
    const clustered = Array.from(document.querySelectorAll(".leaflet-marker-pane .cam-cluster")).reduce((n, el) => n + Number(el.textContent), 0);
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
    await poll(() => page.locator(".login-error").textContent()).toBe("Sai tên đăng nhập hoặc mật khẩu");
    await page.screenshot({ path: artifact("01-login.png") });
    await context.close();

    const loginStarted = Date.now();
    ({ page: operator } = await loginPage(browser, env.base, "operator"));
    await poll(() => camerasOnMap(operator), 10_000).toBe(env.cameras.length);
    console.log(`${env.cameras.length} cameras on the map ${Date.now() - loginStarted} ms after opening the login page`);
    // A second operator position (a supervisor) is open from the start too.
    ({ page: supervisor } = await loginPage(browser, env.base, "supervisor"));
    await poll(() => camerasOnMap(supervisor), 10_000).toBe(env.cameras.length);
    await poll(() => operator.locator(".topbar .live:not(.off)").count()).toBe(1);
    await operator.waitForTimeout(600);
    await operator.screenshot({ path: artifact("02-map-overview.png") });
  });

  it("updates camera status live: the cameras page and the marker turn red", async () => {
    await operator.locator("[data-nav=cameras]").click();
    const row = operator.locator(".cameras-panel tr[data-camera-id=q1-nha-tho]");
    await row.waitFor();
    await env.publishStatus({ cameraId: "q1-nha-tho", state: "offline", ts: new Date().toISOString(), fps: 0, lastFrameTs: minutesAgo(2), framesDropped: 120, error: "RTSP timeout" });
    await poll(() => row.locator("td").first().textContent()).toBe("Mất tín hiệu");
    await poll(() => operator.locator(".cameras-panel tr[data-camera-id=q1-ben-thanh] td").nth(4).textContent()).toBe("41");
    await row.click();
    const marker = operator.locator(".leaflet-marker-pane .cam-marker[data-camera-id=q1-nha-tho]");
    await marker.waitFor({ timeout: 10_000 });
    expect(await marker.getAttribute("class")).toContain("state-offline");
    const popup = operator.locator(".cam-popup[data-camera-id=q1-nha-tho]");
    await popup.waitFor();
    // Its fire controls: sensitivity in words, and the two exclusion zones drawn over the picture.
    expect(await popup.locator("tr", { hasText: "Độ nhạy phát hiện cháy" }).locator("td").textContent()).toBe("Cao");
    expect(await popup.locator("tr", { hasText: "Vùng loại trừ cảnh báo cháy" }).locator("td").textContent()).toBe("2");
    const zones = popup.locator("svg.fire-zones polygon.fire-zone");
    expect(await zones.count()).toBe(2);
    await operator.waitForTimeout(400); // the fly-to and popup animations settle
    // The sign's zone spans 5–35 % of the width and 8–30 % of the height of the picture (one read, one layout).
    const sign = await popup.evaluate((el) => {
      const pic = el.querySelector(".cam-popup-picture")!.getBoundingClientRect();
      const zone = el.querySelector("polygon.fire-zone")!.getBoundingClientRect();
      return [(zone.left - pic.left) / pic.width, zone.width / pic.width, (zone.top - pic.top) / pic.height, zone.height / pic.height];
    });
    [0.05, 0.3, 0.08, 0.22].forEach((want, i) => expect(sign[i]).toBeCloseTo(want, 2));
    await operator.screenshot({ path: artifact("03-cameras-page.png") });
  });

  it("shows a watchlist hit published on MQTT within 1 s, with sound, banner, flashing marker and evidence", async () => {
    // The offline cameras above raised camera-offline alerts, urgent (high, with sound) since issue 14:
    // the duty officer acknowledges them, so what follows is about the wanted car alone.
    const offline = await api<{ items: { id: string }[] }>(env.base, "GET", "/api/v1/alerts?type=camera_offline&state=new", { token: env.adminToken });
    for (const a of offline.body.items) await api(env.base, "POST", `/api/v1/alerts/${a.id}/ack`, { token: env.adminToken, body: { note: "Đã báo kỹ thuật" } });
    const alarmCount = (p: Page) => p.evaluate(() => Number(document.documentElement.dataset["alarms"] ?? 0));
    await poll(() => operator.locator(".alert-card.state-new[data-type=camera_offline]").count()).toBe(0);
    // Alarms each console had sounded before the watchlist hit (the offline cameras' alerts come first).
    const alarmsBefore = { operator: await alarmCount(operator), supervisor: await alarmCount(supervisor) };
    const wl = await api(env.base, "POST", "/api/v1/watchlist", { token: env.adminToken, body: { plate: "30A-999.99", reason: "Xe tang vật vụ cướp giật 17/11", priority: "critical" } });
    expect(wl.status).toBe(201);
    await operator.locator("[data-nav=alerts]").click();
    const id = randomUUID();
    const snapshot = await writeEvidence(env.alerts.config.mediaDir, `evidence/${id}.jpg`, "30A-999.99", "scene");
    const crop = await writeEvidence(env.alerts.config.mediaDir, `evidence/${id}-plate.jpg`, "30A-999.99", "crop");
    const card = (p: Page) => p.locator(".alert-card", { hasText: "30A-999.99" });
    // Each page notes the wall-clock time the card appears (same machine clock as this process),
    // so the figure excludes Playwright's own polling.
    const watchFor = (p: Page) =>
      p.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const seen = () => Array.from(document.querySelectorAll(".alert-card")).some((el) => el.textContent?.includes("30A-999.99"));
            const obs = new MutationObserver(() => {
              if (seen()) {
                obs.disconnect();
                resolve(Date.now());
              }
            });
            obs.observe(document.body, { childList: true, subtree: true });
          }),
      );
    const seenByOperator = watchFor(operator);
    const seenBySupervisor = watchFor(supervisor);
    const started = Date.now();
    await env.publishPlate({ id, cameraId: "q1-nguyen-hue", ts: new Date().toISOString(), plate: "30A99999", display: "30A-999.99", rows: 1, confidence: 0.91, bbox: [0.4, 0.6, 0.15, 0.08], frames: 6, snapshot, crop });
    const [opAt, supAt] = await Promise.all([seenByOperator, seenBySupervisor]);
    console.log(`MQTT publish → alert on screen: operator ${opAt - started} ms, supervisor ${supAt - started} ms`);
    expect(opAt - started).toBeLessThan(1000);
    expect(supAt - started).toBeLessThan(1000);
    await card(supervisor).waitFor({ timeout: 1_000 });
    // The alarm sounded in both consoles.
    await poll(() => operator.evaluate(() => Number(document.documentElement.dataset["alarms"]))).toBe(alarmsBefore.operator + 1);
    await poll(() => supervisor.evaluate(() => Number(document.documentElement.dataset["alarms"]))).toBe(alarmsBefore.supervisor + 1);

    const c = card(operator);
    const hitAlertId = (await c.getAttribute("data-alert-id"))!;
    // The card is the alert the service raised, as the later tests find it.
    expect(hitAlertId).toBe(await watchlistAlertId("30A99999"));
    expect(await c.getAttribute("class")).toMatch(/sev-critical.*state-new/);
    await poll(() => c.locator(".alert-title").textContent()).toBe("Phát hiện xe theo dõi 30A-999.99 · Hà Nội");
    await operator.locator(".alarm-banner:not([hidden])").waitFor();
    expect(await operator.evaluate(() => document.body.classList.contains("alarm"))).toBe(true);
    // The new urgent alert is selected and opened with its evidence, which loads through the session cookie.
    await c.locator("img.evidence.snapshot").waitFor();
    await poll(() => c.locator("img.evidence.crop").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    await operator.locator(".leaflet-marker-pane .cam-marker.flashing[data-camera-id=q1-nguyen-hue], .leaflet-marker-pane .cam-cluster.flashing").first().waitFor();
    await operator.waitForTimeout(900);
    await operator.screenshot({ path: artifact("04-alert-new.png") });

    // Muted (m), a second hit (another wanted car: the same car again would count on its card) is still shown and flashed, but silent.
    await supervisor.keyboard.press("m");
    await poll(() => supervisor.locator("[data-action=mute]").textContent()).toContain("Đã tắt tiếng");
    expect((await api(env.base, "POST", "/api/v1/watchlist", { token: env.adminToken, body: { plate: "30A-888.88", reason: "Xe không chính chủ", priority: "critical" } })).status).toBe(201);
    const second = randomUUID();
    await env.publishPlate({ id: second, cameraId: "q1-ben-thanh", ts: new Date().toISOString(), plate: "30A88888", display: "30A-888.88", rows: 1, confidence: 0.88, bbox: [0.4, 0.6, 0.15, 0.08], frames: 4 });
    const secondCard = supervisor.locator(`.alert-card.state-new:not([data-alert-id="${hitAlertId}"])`, { hasText: "30A-888.88" });
    await secondCard.waitFor();
    await poll(() => operator.evaluate(() => Number(document.documentElement.dataset["alarms"]))).toBe(alarmsBefore.operator + 2);
    expect(await supervisor.evaluate(() => Number(document.documentElement.dataset["alarms"]))).toBe(alarmsBefore.supervisor + 1);
    await supervisor.keyboard.press("m");
    // The supervisor takes the second one (button instead of the keyboard).
    await secondCard.locator(".alert-title").click(); // the title: a click on the picture opens the viewer
    await secondCard.locator("[data-action=ack]").click();
    await poll(() => operator.locator(".alert-card.state-acknowledged", { hasText: "30A-888.88" }).count()).toBe(1);
  });

  it("exports the opened alert as a signed case ZIP after asking for a reason, and audits it (#19)", async () => {
    // A console of its own: the operator's page keeps its selection for the keyboard cases below.
    const { context, page: officer } = await loginPage(browser, env.base, "operator");
    const hitAlertId = await watchlistAlertId("30A99999");
    const c = officer.locator(`.alert-card[data-alert-id="${hitAlertId}"]`);
    await c.locator(".alert-title").click();
    const button = c.locator("[data-action=export-case]");
    await poll(() => button.textContent()).toBe(vi["caseExport.button"]);
    let asked = "";
    officer.once("dialog", (d) => {
      asked = d.message();
      void d.accept("  Hồ sơ 19/2026  ");
    });
    const download = officer.waitForEvent("download");
    await button.click();
    const file = await (await download).path();
    expect(asked).toBe(vi["caseExport.reasonPrompt"]);
    const check = checkCaseExport(unzipSync(new Uint8Array(readFileSync(file))));
    expect(check.problems).toEqual([]);
    expect(check.manifest).toMatchObject({ reason: "Hồ sơ 19/2026", exportedBy: "operator1", alert: { id: hitAlertId } });
    await officer.locator(".toast", { hasText: vi["caseExport.done"] }).waitFor();
    await context.close();
    const audit = await api<{ items: { target: string; details: { reason?: string } }[] }>(env.base, "GET", "/api/v1/audit?action=alert.export", { token: env.adminToken });
    expect(audit.body.items).toEqual([expect.objectContaining({ target: hitAlertId, details: { reason: "Hồ sơ 19/2026" } })]);
  });

  it("acknowledging changes the state for a second browser too; a supervisor resolves with a note", async () => {
    const hitAlertId = await watchlistAlertId("30A99999");
    const opCard = operator.locator(`.alert-card[data-alert-id="${hitAlertId}"]`);
    const supCard = supervisor.locator(`.alert-card[data-alert-id="${hitAlertId}"]`);
    // Keyboard: the second hit was selected on arrival; acknowledged, it sits below the first (still new,
    // like the cameras' offline alerts) in the queue: k moves up one card, j back down, k up to the first.
    const selectedId = () => operator.locator(".alert-card.selected").getAttribute("data-alert-id");
    await operator.locator(".panel-header h2").click();
    const ids = await operator.locator(".alert-card").evaluateAll((els) => els.map((el) => el.getAttribute("data-alert-id")));
    const start = ids.indexOf(await selectedId());
    expect(start).toBeGreaterThan(ids.indexOf(hitAlertId));
    await operator.keyboard.press("k");
    await poll(selectedId).toBe(ids[start - 1]);
    await operator.keyboard.press("j");
    await poll(selectedId).toBe(ids[start]);
    for (let i = start; i > ids.indexOf(hitAlertId); i--) await operator.keyboard.press("k");
    await poll(selectedId).toBe(hitAlertId);
    await opCard.locator("textarea.note").fill("Đã điều tổ tuần tra 3 tới Nguyễn Huệ");
    await operator.keyboard.press("Escape");
    await operator.keyboard.press("a");
    await poll(() => supCard.getAttribute("class"), 3_000).toContain("state-acknowledged");
    await poll(() => supCard.locator(".state").textContent()).toBe("Đã xác nhận");
    await poll(() => opCard.getAttribute("class")).toContain("state-acknowledged");
    // Nothing urgent is waiting any more: the alarm stops.
    await operator.locator(".alarm-banner").waitFor({ state: "hidden" });
    expect(await operator.evaluate(() => document.body.classList.contains("alarm"))).toBe(false);
    // An operator has no resolve button or reasons; a supervisor does, and needs a reason and a note.
    expect(await opCard.locator("[data-action=resolve]").count()).toBe(0);
    expect(await opCard.locator(".resolve-reasons").count()).toBe(0);
    await supCard.locator(".alert-title").click();
    expect(await supCard.locator(".resolve-reasons label").allTextContents()).toEqual(["Xác nhận đúng", "Báo động giả", "Trùng lặp", "Thử nghiệm", "Khác"]);
    await supCard.locator("textarea.note").fill("Đã dừng xe, bàn giao đội điều tra");
    await supCard.locator("[data-action=resolve]").click();
    await supervisor.locator(".toast.error", { hasText: "Chọn lý do" }).first().waitFor();
    await supCard.locator("textarea.note").fill("");
    await supCard.locator(".resolve-reasons [data-reason=true_hit]").click();
    await supCard.locator("[data-action=resolve]").click();
    await supervisor.locator(".toast.error", { hasText: "ghi chú" }).first().waitFor();
    await supCard.locator("textarea.note").fill("Đã dừng xe, bàn giao đội điều tra");
    await supCard.locator("[data-action=resolve]").click();
    // The operator's list hides resolved alerts by default: the card leaves their screen.
    await opCard.waitFor({ state: "detached", timeout: 3_000 });
    // Filters: showing resolved alerts brings it back, marked resolved.
    await operator.locator(".filter-bar [data-filter=resolved]").click();
    await poll(() => opCard.getAttribute("class")).toContain("state-resolved");
    await operator.locator(".filter-bar [data-filter=fire]").click();
    await opCard.waitFor({ state: "detached" });
    await operator.locator(".filter-bar [data-filter=fire]").click();
    await operator.locator(".filter-bar [data-filter=resolved]").click();
    const list = await api<{ items: { id: string; state: string; note?: string }[] }>(env.base, "GET", "/api/v1/alerts?type=watchlist_hit", { token: env.adminToken });
    expect(list.body.items.find((a) => a.id === hitAlertId)).toMatchObject({ state: "resolved", resolveReason: "true_hit", note: "Đã dừng xe, bàn giao đội điều tra" });
  });

  it("a possible smoke is quiet and says so; confirmed, it alarms; resolved as a false alarm, its frame is kept", async () => {
    const alarms = (p: Page) => p.evaluate(() => Number(document.documentElement.dataset["alarms"] ?? 0));
    const before = await alarms(operator);
    const eventId = randomUUID();
    const snapshot = await writeEvidence(env.alerts.config.mediaDir, `fire/${eventId}.jpg`, "", "scene");
    const smoke = { schemaVersion: 1, id: eventId, cameraId: "q1-nha-tho", ts: new Date().toISOString(), kind: "smoke", confidence: 0.7, boxes: [{ bbox: [0.3, 0.2, 0.3, 0.3], confidence: 0.7 }], confirmedFrames: 3, snapshot, revision: 0, possible: true };
    await env.mqtt.publishAsync(`${env.alerts.prefix}/events/fire`, JSON.stringify(smoke), { qos: 1 });
    const opCard = operator.locator(".alert-card", { hasText: "Nghi có khói" });
    await opCard.waitFor();
    expect(await opCard.getAttribute("class")).toMatch(/sev-low.*state-new/);
    await operator.waitForTimeout(500);
    expect(await alarms(operator)).toBe(before);
    expect(await operator.locator(".alarm-banner").isHidden()).toBe(true);
    const alertId = (await opCard.getAttribute("data-alert-id"))!;
    // Confirmed by a later revision of the same event: now it is smoke, urgent, with the alarm.
    await env.mqtt.publishAsync(`${env.alerts.prefix}/events/fire`, JSON.stringify({ ...smoke, revision: 1, possible: false, confirmedFrames: 9 }), { qos: 1 });
    const card = (p: Page) => p.locator(`.alert-card[data-alert-id="${alertId}"]`);
    await poll(() => card(operator).locator(".alert-title").textContent()).toBe("Phát hiện khói");
    expect(await card(operator).getAttribute("class")).toContain("sev-high");
    await poll(() => alarms(operator)).toBe(before + 1);
    await operator.locator(".alarm-banner:not([hidden])").waitFor();
    // The supervisor calls it a false alarm: the hint says the frame is kept, and it is.
    await card(supervisor).locator(".alert-title").click();
    await card(supervisor).locator(".resolve-reasons [data-reason=false_alarm]").click();
    await card(supervisor).locator(".feedback-hint:not([hidden])").waitFor();
    await card(supervisor).locator("textarea.note").fill("Hơi nước từ quán phở");
    await card(supervisor).locator("[data-action=resolve]").click();
    await card(operator).waitFor({ state: "detached" });
    await operator.locator(".alarm-banner").waitFor({ state: "hidden" });
    const index = readFileSync(`${env.alerts.config.fireFeedbackDir}/index.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { alertId: string; kind: string; note: string; file: string });
    expect(index).toEqual([expect.objectContaining({ alertId, kind: "smoke", note: "Hơi nước từ quán phở", file: `q1-nha-tho/${alertId}.jpg` })]);
  });

  it("searches plates with a reason, pages, exports CSV and draws the vehicle's track in time order", async () => {
    const route = ["q5-tran-hung-dao", "q1-ben-thanh", "q1-nguyen-hue", "q1-ton-duc-thang"];
    const ages = [40, 30, 20, 10];
    // Published out of order: the track must still be numbered by time.
    for (const i of [2, 0, 3, 1]) {
      const id = randomUUID();
      const crop = await writeEvidence(env.alerts.config.mediaDir, `evidence/${id}-plate.jpg`, "51F-123.45", "crop");
      await env.publishPlate({ id, cameraId: route[i]!, ts: minutesAgo(ages[i]!), plate: "51F12345", display: "51F-123.45", rows: 1, confidence: 0.9 - i * 0.05, bbox: [0.3, 0.5, 0.1, 0.05], frames: 4, crop });
    }
    // An electric motorbike's plate: Đ is stored as D in the key (#16.3).
    await env.publishPlate({ id: randomUUID(), cameraId: "q3-cmt8", ts: minutesAgo(15), plate: "29MD101353", display: "29-MĐ1 013.53", rows: 2, confidence: 0.87, bbox: [0.3, 0.5, 0.1, 0.08], frames: 3 });
    // And enough reads of a motorbike plate to need a second page.
    for (let i = 0; i < 55; i++) {
      await env.publishPlate({ id: randomUUID(), cameraId: "q4-khanh-hoi", ts: minutesAgo(60 + i), plate: "59X123456", display: "59-X1 234.56", rows: 2, confidence: 0.8, bbox: [0.3, 0.5, 0.1, 0.08], frames: 3 });
    }
    await waitUntil(async () => {
      const r = await api<{ items: unknown[] }>(env.base, "GET", "/api/v1/plates?q=59X1&match=prefix&limit=100&reason=test-setup", { token: env.adminToken });
      const r2 = await api<{ items: unknown[] }>(env.base, "GET", "/api/v1/plates?q=51F12345&reason=test-setup", { token: env.adminToken });
      const r3 = await api<{ items: unknown[] }>(env.base, "GET", "/api/v1/plates?q=29MD101353&reason=test-setup", { token: env.adminToken });
      return r.body.items?.length === 55 && r2.body.items?.length === 4 && r3.body.items?.length === 1;
    }, 10_000, "plate reads stored");

    await operator.locator(".map").click({ position: { x: 50, y: 400 } });
    await operator.keyboard.press("/");
    const form = operator.locator("form.search-form");
    await poll(() => operator.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe("q");
    // The reason is required: without it nothing is sent.
    await form.locator("input[name=q]").fill("59X1");
    await form.locator("select[name=match]").selectOption("prefix");
    await form.locator("button[type=submit]").click();
    await poll(() => operator.locator(".search-status").textContent()).toBe("Cần nêu lý do tra cứu (ít nhất 3 ký tự)");
    await form.locator("input[name=reason]").fill("Hồ sơ vụ việc 123/2026");
    await form.locator("button[type=submit]").click();
    const rows = operator.locator(".search-results tr.result");
    await poll(() => rows.count()).toBe(50);
    await operator.locator("[data-action=more]").click();
    await poll(() => rows.count()).toBe(55);
    expect(await operator.locator("[data-action=more]").count()).toBe(0);
    await poll(() => rows.first().locator(".plate-label").textContent()).toBe("59-X1 234.56 · TP. Hồ Chí Minh");

    await form.locator("input[name=q]").fill("51F-123.45");
    await form.locator("select[name=match]").selectOption("exact");
    await form.locator("button[type=submit]").click();
    await poll(() => rows.count()).toBe(4);
    await poll(() => rows.first().locator("img.thumb-img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);

    // The export is built and audited by the server: absolute links to the evidence, the reason in the audit log.
    const [download] = await Promise.all([operator.waitForEvent("download"), operator.locator("[data-action=csv]").click()]);
    expect(download.suggestedFilename()).toMatch(/^vigil-plates-51F12345-\d{8}-\d{4}\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    const lines = csv.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(lines[0]).toBe("Thời gian (giờ VN),Biển số,Biển số và tỉnh/thành,Mã camera,Camera,Độ tin cậy,Ảnh,Ảnh biển số,Mã bản ghi");
    expect(lines).toHaveLength(5);
    expect(lines.slice(1).every((l) => l.includes(",51F-123.45,51F-123.45 · TP. Hồ Chí Minh,"))).toBe(true);
    const crops = lines.slice(1).map((l) => l.split(",")[7]);
    expect(crops.every((u) => u?.startsWith(`${env.base}/media/evidence/`) && u.endsWith("-plate.jpg"))).toBe(true);
    // The link works as it is, for a signed-in user.
    expect((await operator.request.get(crops[0]!)).headers()["content-type"]).toBe("image/jpeg");
    await poll(() => operator.locator(".search-status").textContent()).toBe("Đã xuất 4 lượt ghi nhận ra CSV (đã ghi vào nhật ký)");

    await rows.first().click();
    const markers = operator.locator(".leaflet-marker-pane .track-marker");
    await poll(() => markers.count()).toBe(4);
    expect(await operator.locator("path.track-line").count()).toBe(1);
    // Numbered in time order: stop n is at the camera of the n-th oldest sighting, at its time.
    const tips = await operator.locator(".track-tooltip .track-tip").evaluateAll((els) => els.map((el) => ({ text: el.textContent ?? "", camera: (el as HTMLElement).title })));
    const bySeq = tips.map((tip) => ({ seq: Number(tip.text.split(".")[0]), camera: tip.camera })).sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    expect(bySeq.map((s) => s.camera)).toEqual(route.map((id) => env.cameras.find((c) => c.id === id)!.name));
    await operator.waitForTimeout(1000);
    await operator.screenshot({ path: artifact("05-search-track.png") });

    // The drawn track as a signed case: the dialog offers the search's reason; the ZIP holds the four reads.
    const trackCase = operator.locator("[data-action=export-track-case]");
    await poll(() => trackCase.textContent()).toBe(vi["caseExport.trackButton"]);
    let offered = "";
    operator.once("dialog", (d) => {
      offered = `${d.message()}|${d.defaultValue()}`;
      void d.accept(d.defaultValue());
    });
    const [trackZip] = await Promise.all([operator.waitForEvent("download"), trackCase.click()]);
    expect(offered).toBe(`${vi["caseExport.trackReasonPrompt"]}|Hồ sơ vụ việc 123/2026`);
    expect(trackZip.suggestedFilename()).toMatch(/^vigil-track-51F12345-\d{4}-\d{2}-\d{2}\.zip$/);
    const trackCheck = checkCaseExport(unzipSync(new Uint8Array(readFileSync((await trackZip.path())!))));
    expect(trackCheck.problems).toEqual([]);
    expect(trackCheck.manifest).toMatchObject({ kind: "plate-track", track: { plate: "51F12345", reads: 4 } });
    expect(trackCheck.manifest!.events.map((e) => e.cameraId)).toEqual(route);

    // The search and the track were audited with the reason given.
    const audit = await api<{ items: { action: string; details: { reason?: string } | null }[] }>(env.base, "GET", "/api/v1/audit", { token: env.adminToken });
    expect(audit.body.items.filter((e) => e.details?.reason === "Hồ sơ vụ việc 123/2026").map((e) => e.action)).toEqual(expect.arrayContaining(["plates.search", "plates.track", "plates.export", "plates.track_export"]));
    expect(audit.body.items.find((e) => e.action === "plates.export")?.details).toMatchObject({ reason: "Hồ sơ vụ việc 123/2026", rows: 4, truncated: false });

    // An electric motorbike's plate typed as it is written (#16.3): the console asks for the shared key
    // 29MD101353 (Đ folds to D, as stored), not 29M101353, and the read is found.
    await form.locator("input[name=q]").fill("29-MĐ1 013.53");
    await form.locator("select[name=match]").selectOption("exact");
    await form.locator("input[name=reason]").fill("Hồ sơ vụ việc 124/2026");
    await form.locator("button[type=submit]").click();
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator(".plate-label").textContent()).toBe("29-MĐ1 013.53 · Hà Nội");
    expect(await rows.first().getAttribute("data-plate")).toBe("29MD101353");
  });

  it("shortcut 2 opens the search with the plate field focused, the next keys are typed into it; Escape leaves it, then ? and Escape open and close the help", async () => {
    await operator.locator("[data-nav=alerts]").click();
    await operator.locator(".map").click({ position: { x: 50, y: 400 } });
    const plate = operator.locator("form.search-form input[name=q]");
    await operator.keyboard.press("2");
    await poll(() => operator.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe("q");
    // Typed at an operator's speed, straight after the shortcut: nothing is swallowed, and keys that are
    // shortcuts elsewhere (a, r, m, j, k, 1–9, ?) are just letters in the field.
    await operator.keyboard.type("51F");
    await poll(() => plate.inputValue()).toBe("51F");
    await operator.keyboard.type("-2am?");
    expect(await plate.inputValue()).toBe("51F-2am?");
    expect(await operator.locator("[data-nav=search].on").count()).toBe(1);
    expect(await operator.locator(".help-overlay").isHidden()).toBe(true);
    expect(await operator.locator("[data-action=mute]").textContent()).not.toContain("Đã tắt tiếng");
    await plate.fill("");
    // Escape leaves the field; then the keys are shortcuts again: ? opens the help, Escape closes it, 1 is the alerts.
    await operator.keyboard.press("Escape");
    await operator.keyboard.press("?");
    await poll(() => operator.locator(".help-overlay").isVisible()).toBe(true);
    await operator.keyboard.press("Escape");
    await poll(() => operator.locator(".help-overlay").isHidden()).toBe(true);
    await operator.keyboard.press("1");
    await poll(() => operator.locator("[data-nav=alerts].on").count()).toBe(1);
  });

  it("shows the evidence the inference writes as the camera saw it: snapshot and crop decoded in the browser match the frame (#14.1)", async () => {
    // The same writer the inference service uses, on a 1280×720 frame; the alert card shows what it wrote.
    const frame = testFrame(1280, 720);
    const box: [number, number, number, number] = [0.4, 0.55, 0.2, 0.1];
    const [cx, cy, cw, ch] = [512, 396, 256, 72];
    const cropData = Buffer.alloc(cw * ch * 3);
    for (let y = 0; y < ch; y++) frame.data.copy(cropData, y * cw * 3, ((cy + y) * 1280 + cx) * 3, ((cy + y) * 1280 + cx + cw) * 3);
    const id = randomUUID();
    const written = await new EvidenceWriter({ mediaDir: env.alerts.config.mediaDir }).write("q1-hai-ba-trung", id, new Date(), frame, box, { data: cropData, width: cw, height: ch });
    expect(written.snapshot && written.crop).toBeTruthy();
    expect((await api(env.base, "POST", "/api/v1/watchlist", { token: env.adminToken, body: { plate: "43A-135.79", reason: "Xe liên quan vụ việc 88/2026", priority: "high" } })).status).toBe(201);
    await operator.locator("[data-nav=alerts]").click();
    await env.publishPlate({ id, cameraId: "q1-hai-ba-trung", ts: new Date().toISOString(), plate: "43A13579", display: "43A-135.79", rows: 1, confidence: 0.93, bbox: box, frames: 5, ...written });
    const card = operator.locator(".alert-card", { hasText: "43A-135.79" });
    await card.locator("img.evidence.snapshot").waitFor();
    await poll(() => card.locator("img.evidence.snapshot").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(960);
    await poll(() => card.locator("img.evidence.crop").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(cw);
    const [gw, gh] = [96, 54];
    const expected = await sharp(frame.data, { raw: { width: 1280, height: 720, channels: 3 } }).resize(gw, gh, { fit: "fill" }).raw().toBuffer();
    const shown = await shownPixels(operator, ".alert-card img.evidence.snapshot[src*='" + id + "']", gw, gh);
    // Outside the drawn box (and a cell around it) the picture is the frame, within JPEG and scaling noise.
    const inBox = (x: number, y: number) => x >= box[0] * gw - 2 && x <= (box[0] + box[2]) * gw + 2 && y >= box[1] * gh - 2 && y <= (box[1] + box[3]) * gh + 2;
    const sceneDiff = meanAbsDiff(shown, expected, gw, inBox);
    const expectedCrop = await sharp(cropData, { raw: { width: cw, height: ch, channels: 3 } }).resize(64, 18, { fit: "fill" }).raw().toBuffer();
    const cropDiff = meanAbsDiff(await shownPixels(operator, ".alert-card img.evidence.crop[src*='" + id + "']", 64, 18), expectedCrop, 64);
    console.log(`evidence as shown vs the frame: snapshot ${sceneDiff.toFixed(2)}, crop ${cropDiff.toFixed(2)} grey levels mean absolute difference`);
    expect(sceneDiff).toBeLessThan(6);
    expect(cropDiff).toBeLessThan(6);
    // The plate's box is drawn in red, at its place: the top edge's midpoint at the picture's own size.
    const edge = await card.locator("img.evidence.snapshot").evaluate((img: HTMLImageElement, [x, y]) => {
      const canvas = document.createElement("canvas");
      [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
      const g = canvas.getContext("2d")!;
      g.drawImage(img, 0, 0);
      return Array.from(g.getImageData(Math.round(x! * img.naturalWidth), Math.round(y! * img.naturalHeight) - 3, 1, 7).data);
    }, [box[0] + box[2] / 2, box[1]]);
    const isRed = (i: number) => edge[i]! > 180 && edge[i + 1]! < 90 && edge[i + 2]! < 90;
    expect([0, 4, 8, 12, 16, 20, 24].some(isRed), JSON.stringify(edge)).toBe(true);
  });

  it("a camera going offline is an urgent, sounding alert; its problem reads in Vietnamese on the cameras page (#14.6)", async () => {
    // The duty officer has taken the open urgent alerts: the banner is down, and its 30 s reminder with it.
    const open = await api<{ items: { id: string; severity: string }[] }>(env.base, "GET", "/api/v1/alerts?state=new", { token: env.adminToken });
    for (const a of open.body.items) await api(env.base, "POST", `/api/v1/alerts/${a.id}/ack`, { token: env.adminToken, body: { note: "Đã tiếp nhận" } });
    await operator.locator(".alarm-banner").waitFor({ state: "hidden" });
    const alarms = () => operator.evaluate(() => Number(document.documentElement.dataset["alarms"] ?? 0));
    const before = await alarms();
    await env.publishStatus({ cameraId: "q4-khanh-hoi", state: "offline", ts: new Date().toISOString(), fps: 0, lastFrameTs: minutesAgo(3), errorCode: "timeout", error: "RTSP read timeout after 10 s" });
    const card = operator.locator(".alert-card.state-new[data-type=camera_offline]", { hasText: "Cầu Khánh Hội" });
    await card.waitFor();
    expect(await card.getAttribute("class")).toContain("sev-high");
    // Opened, the card words the problem in Vietnamese, not the service's English detail.
    await card.locator(".alert-title").click();
    await poll(() => card.locator(".alert-details .reason").innerText()).toContain(vi["camera.problem.timeout"]);
    expect(await card.innerText()).not.toContain("RTSP read timeout");
    expect(await card.locator(".alert-details .reason").innerText()).toContain(vi["alerts.cameraProblem"]);
    await poll(() => alarms()).toBe(before + 1);
    await operator.locator(".alarm-banner:not([hidden])").waitFor();
    await operator.locator("[data-nav=cameras]").click();
    const row = operator.locator(".cameras-panel tr[data-camera-id=q4-khanh-hoi]");
    await poll(() => row.innerText()).toContain(vi["camera.problem.timeout"]);
    expect(await row.innerText()).not.toContain("RTSP read timeout");
    // Uptime over 24 h from the state log, as loaded at login: online or degraded since the first status
    // is 100 %, offline since is 0 %, a camera that never reported is unknown rather than down.
    const uptime = (id: string) => operator.locator(`.cameras-panel tr[data-camera-id=${id}] td.uptime`).getAttribute("data-uptime");
    expect([await uptime("q1-nguyen-hue"), await uptime("q1-ben-thanh"), await uptime("q5-tran-hung-dao"), await uptime("grid-000")]).toEqual(["1", "1", "0", null]);
    await operator.locator("[data-nav=alerts]").click();
  });

  it("the watchlist refuses a fragment as a plate, in Vietnamese, and takes it as an explicit partial pattern (#14.7)", async () => {
    await supervisor.locator("[data-nav=watchlist]").click();
    const form = supervisor.locator("form.watchlist-form");
    await form.locator("input[name=plate]").fill("51K25");
    await form.locator("input[name=reason]").fill("Nhân chứng thấy biển 51K…25, vụ 90/2026");
    await form.locator("button[type=submit]").click();
    await poll(() => supervisor.locator(".watchlist-panel .form-status").textContent()).toBe(vi["watchlist.invalidPlate"]);
    expect(await supervisor.locator(".watchlist-panel tr[data-plate='51K25']").count()).toBe(0);
    await form.locator("select[name=match]").selectOption("partial");
    await form.locator("button[type=submit]").click();
    const row = supervisor.locator(".watchlist-panel tr[data-plate='51K25']");
    await row.waitFor();
    expect(await row.locator(".plate-pattern[data-match=partial]").textContent()).toContain("*51K25*");
    supervisor.once("dialog", (d) => void d.accept());
    await row.locator("[data-action=remove]").click();
    await row.waitFor({ state: "detached" });
  });

  it("fits at 1600×900, 1024×768 and 800×600 with alerts on screen: nothing scrolls sideways, “Đăng xuất” is in view (#14.8)", async () => {
    await operator.locator("[data-nav=alerts]").click();
    await operator.locator(".alarm-banner:not([hidden])").waitFor();
    for (const [width, height] of [[1600, 900], [1024, 768], [800, 600]] as const) {
      await operator.setViewportSize({ width, height });
      await operator.waitForTimeout(500); // Leaflet and the layout settle
      const file = artifact(`09-main-alerts-${width}x${height}.png`);
      await operator.screenshot({ path: file });
      const layout = await operator.evaluate(() => {
        const problems: string[] = [];
        const vw = document.documentElement.clientWidth;
        const vh = window.innerHeight;
        if (document.documentElement.scrollWidth > vw) problems.push(`page is ${document.documentElement.scrollWidth}px wide in ${vw}px`);
        const logout = document.querySelector("[data-action=logout]")!.getBoundingClientRect();
        if (logout.width === 0 || logout.left < 0 || logout.top < 0 || logout.right > vw || logout.bottom > vh) problems.push(`logout at ${Math.round(logout.left)},${Math.round(logout.top)}–${Math.round(logout.right)},${Math.round(logout.bottom)} outside ${vw}×${vh}`);
        for (const el of Array.from(document.querySelectorAll<HTMLElement>(".topbar > *, .topbar-tools > *, .alarm-banner > *"))) {
          const r = el.getBoundingClientRect();
          if (r.width && r.right > vw + 0.5) problems.push(`${el.className || el.tagName} ends at ${Math.round(r.right)}px`);
        }
        const side = document.querySelector<HTMLElement>(".side")!;
        if (side.scrollWidth > side.clientWidth + 1) problems.push(`side panel content ${side.scrollWidth}px in ${side.clientWidth}px`);
        for (const card of Array.from(document.querySelectorAll<HTMLElement>(".alert-card"))) {
          const r = card.getBoundingClientRect();
          if (r.right > side.getBoundingClientRect().right + 1) problems.push(`alert card ends at ${Math.round(r.right)}px`);
        }
        return { problems, cards: document.querySelectorAll(".alert-card").length };
      });
      expect(layout.cards, `${width}×${height}`).toBeGreaterThan(0);
      expect(layout.problems, `${width}×${height} (${file})`).toEqual([]);
    }
    await operator.setViewportSize({ width: 1600, height: 900 });
  });

  it("lets a supervisor add and remove watchlist entries, and not an operator", async () => {
    await supervisor.locator("[data-nav=watchlist]").click();
    const form = supervisor.locator("form.watchlist-form");
    await form.locator("input[name=plate]").fill("51F-888.88");
    await form.locator("input[name=reason]").fill("Xe nghi vấn vận chuyển hàng cấm");
    await form.locator("select[name=priority]").selectOption("critical");
    await form.locator("input[name=expiresAt]").fill("2030-12-31T23:59");
    await form.locator("button[type=submit]").click();
    const row = supervisor.locator(".watchlist-panel tr[data-plate='51F88888']");
    await row.waitFor();
    await poll(() => row.locator("td").first().textContent()).toBe("51F-888.88 · TP. Hồ Chí Minh");
    await poll(() => row.locator("td").nth(3).textContent()).toBe("23:59:00 31/12/2030");
    await supervisor.locator(".watchlist-panel tr[data-plate='30A99999']").waitFor();
    await supervisor.waitForTimeout(300);
    await supervisor.screenshot({ path: artifact("06-watchlist-supervisor.png") });

    await operator.locator("[data-nav=watchlist]").click();
    await operator.locator(".watchlist-panel tr[data-plate='51F88888']").waitFor();
    expect(await operator.locator("form.watchlist-form").count()).toBe(0);
    expect(await operator.locator("[data-role-notice]").count()).toBe(1);
    expect(await operator.locator(".watchlist-panel [data-action=remove]").count()).toBe(0);
    // The server refuses too, whatever the page shows.
    const status = await operator.evaluate(async () => {
      const me = (await (await fetch("/api/v1/me")).json()) as { csrfToken: string };
      const res = await fetch("/api/v1/watchlist", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken }, body: JSON.stringify({ plate: "51F-777.77", reason: "x", priority: "low" }) });
      return res.status;
    });
    expect(status).toBe(403);

    supervisor.once("dialog", (d) => void d.accept());
    await row.locator("[data-action=remove]").click();
    await row.waitFor({ state: "detached" });
  });

  it("switches to English, keeps Vietnam time, and logs out", async () => {
    await operator.locator("[data-lang=en]").click();
    await operator.locator("[data-nav=alerts]").waitFor();
    await poll(() => operator.locator("[data-nav=alerts]").textContent()).toBe("Alerts");
    // The browser runs in UTC; the clock shows Vietnam time (UTC+7).
    const shown = await operator.locator(".clock").textContent();
    const vnHour = (new Date().getUTCHours() + 7) % 24;
    expect(Number(shown!.slice(0, 2))).toBeOneOf([vnHour, (vnHour + 1) % 24]);
    await operator.screenshot({ path: artifact("07-english-alerts.png") });
    await operator.locator("[data-lang=vi]").click();
    await poll(() => operator.locator("[data-nav=alerts]").textContent()).toBe("Cảnh báo");
    await operator.locator("[data-action=logout]").click();
    await operator.locator("form.login-form").waitFor();
    const me = await operator.evaluate(async () => (await fetch("/api/v1/me")).status);
    expect(me).toBe(401);
  });

  it("shows admins the audit log (supervisors: their units' rows, #18)", async () => {
    const { page } = await loginPage(browser, env.base, "admin");
    await page.locator("[data-nav=audit]").click();
    const rows = page.locator(".audit-panel tbody tr");
    await poll(() => rows.count()).toBeGreaterThan(5);
    await page.locator(".audit-panel input[type=search]").fill("plates.search");
    await poll(async () => (await rows.allTextContents()).every((t) => t.includes("plates.search"))).toBe(true);
    await page.locator(".audit-panel input[type=search]").fill("");
    await page.screenshot({ path: artifact("08-audit-admin.png") });
    // Supervisors see the audit of their own units (#18); operators never see it.
    expect(await supervisor.locator("[data-nav=audit]").count()).toBe(1);
  });

  it("raised no uncaught errors in any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
