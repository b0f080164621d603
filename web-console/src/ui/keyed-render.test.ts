/**
 * Keyed rendering of the alerts panel and the cameras view, in Chromium (the console's unit tests have
 * no DOM of their own): the real panel, view and stores, bundled from `keyed-render.fixture.ts` by the
 * console's Vite, with a fake context. An update must leave every other card's DOM node in place and
 * keep keyboard focus where the operator put it.
 */
import { fileURLToPath } from "node:url";
import type { Alert, CameraStatus, CameraView } from "@vigil/contracts";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, type Rollup } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CONSOLE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./keyed-render.fixture.ts", import.meta.url));
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/lib/chromium/chromium";
const T0 = Date.UTC(2026, 10, 23, 6, 0);

function alert(i: number, over: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    type: "watchlist_hit",
    severity: "high",
    cameraId: `cam-${String(i % 7).padStart(3, "0")}`,
    ts: new Date(T0 + i * 60_000).toISOString(),
    state: "new",
    plate: `51G-${String(100 + i).padStart(3, "0")}.${String(i % 100).padStart(2, "0")}`,
    ...over,
  } as Alert;
}

const camId = (i: number) => `cam-${String(i).padStart(3, "0")}`;
function camera(i: number, over: Partial<CameraView> = {}): CameraView {
  return { id: camId(i), name: `Camera ${String(i).padStart(3, "0")}`, url: "rtsp://127.0.0.1/x", lat: 10.77, lon: 106.7, analytics: ["plates"], status: null, ...over };
}
function status(i: number, over: Partial<CameraStatus> = {}): CameraStatus {
  return { schemaVersion: 1, cameraId: camId(i), state: "online", ts: new Date(T0 + 1000).toISOString(), fps: 2, framesDropped: 0, ...over } as CameraStatus;
}

async function bundleFixture(): Promise<string> {
  const out = await build({
    configFile: false,
    root: CONSOLE_ROOT,
    logLevel: "error",
    mode: "production",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: { write: false, minify: false, sourcemap: false, emptyOutDir: false, lib: { entry: FIXTURE, formats: ["iife"], name: "keyedFixture", fileName: "fixture" } },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rollup.RollupOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o): o is Rollup.OutputChunk => o.type === "chunk");
  if (!chunk) throw new Error("the fixture bundle has no JavaScript chunk");
  return chunk.code;
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const [code, launched] = await Promise.all([bundleFixture(), chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] })]);
  browser = launched;
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.setContent("<!doctype html><html lang='vi'><head><meta charset='utf-8'></head><body></body></html>");
  await page.addScriptTag({ content: code });
  expect(errors).toEqual([]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

describe("alerts panel, keyed by alert id", () => {
  const selectedIndex = 150;
  const selectedId = alert(selectedIndex).id;

  it("draws 300 cards, then an update redraws that card only: the other 299 nodes stay, and so does focus on a card's button", async () => {
    await page.evaluate((items) => window.keyed.upsertAlerts(items), Array.from({ length: 300 }, (_, i) => alert(i)));
    expect(await page.locator(".alert-card").count()).toBe(300);
    await page.evaluate((id) => window.keyed.panel.select(id, false), selectedId);
    const ack = page.locator(`.alert-card[data-alert-id="${selectedId}"] [data-action=ack]`);
    await ack.focus();
    await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      w["cardsBefore"] = new Map(Array.from(document.querySelectorAll<HTMLElement>(".alert-card"), (el) => [el.dataset["alertId"], el]));
      w["focusBefore"] = document.activeElement;
      return window.keyed.watch();
    });

    // Seen again: the card's badge changes and it moves to the top of the queue.
    const updated = alert(10, { occurrences: 2, lastSeenAt: new Date(T0 + 400 * 60_000).toISOString(), updatedAt: new Date(T0 + 400 * 60_000).toISOString() });
    const result = await page.evaluate((a) => {
      const started = performance.now();
      window.keyed.upsertAlert(a);
      const ms = performance.now() - started;
      const w = window as unknown as Record<string, unknown>;
      const before = w["cardsBefore"] as Map<string, Element>;
      const cards = Array.from(document.querySelectorAll<HTMLElement>(".alert-card"));
      return {
        ms,
        count: cards.length,
        same: cards.filter((el) => before.get(el.dataset["alertId"]!) === el).length,
        first: cards[0]?.dataset["alertId"],
        firstBadge: cards[0]?.querySelector(".occurrences")?.textContent,
        focusKept: document.activeElement === w["focusBefore"],
        focusedAction: (document.activeElement as HTMLElement | null)?.dataset["action"],
        touched: window.keyed.touchedIds(),
      };
    }, updated);
    console.log(`alerts panel: one update among 300 cards redrawn in ${result.ms.toFixed(1)} ms`);
    expect(result).toMatchObject({ count: 300, same: 300, first: updated.id, firstBadge: "× 2", focusKept: true, focusedAction: "ack" });
    // Only the updated card changed inside; the rest were at most moved.
    expect(result.touched).toEqual([updated.id]);
  });

  it("a note being typed keeps its text, caret and focus when a new alert arrives on top", async () => {
    const note = page.locator(`.alert-card[data-alert-id="${selectedId}"] textarea.note`);
    await note.focus();
    await page.keyboard.type("Đã điều tổ tuần tra 3");
    await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      w["cardsBefore"] = new Map(Array.from(document.querySelectorAll<HTMLElement>(".alert-card"), (el) => [el.dataset["alertId"], el]));
      w["focusBefore"] = document.activeElement;
      return window.keyed.watch();
    });
    const arriving = alert(500);
    const result = await page.evaluate((a) => {
      window.keyed.upsertAlert(a);
      const w = window as unknown as Record<string, unknown>;
      const before = w["cardsBefore"] as Map<string, Element>;
      const cards = Array.from(document.querySelectorAll<HTMLElement>(".alert-card"));
      const active = document.activeElement as HTMLTextAreaElement;
      return {
        count: cards.length,
        same: cards.filter((el) => before.get(el.dataset["alertId"]!) === el).length,
        first: cards[0]?.dataset["alertId"],
        focusKept: active === w["focusBefore"],
        value: active.value,
        caretAtEnd: active.selectionStart === active.value.length,
        touched: window.keyed.touchedIds(),
      };
    }, arriving);
    // 301 alerts, 300 cards: the new one on top, the oldest dropped, the 299 others untouched.
    expect(result).toMatchObject({ count: 300, same: 299, first: arriving.id, focusKept: true, value: "Đã điều tổ tuần tra 3", caretAtEnd: true });
    expect(result.touched.filter((id) => id !== arriving.id)).toEqual([]);
  });
});

describe("cameras view, keyed by camera id", () => {
  const focusedCam = 150;

  it("a status redraws that camera's row only; the focused row keeps focus, also when its own status moves it", async () => {
    const cams = Array.from({ length: 300 }, (_, i) =>
      camera(i, { status: status(i), uptime24h: i === 0 ? 0.995 : i === 1 ? null : i === 2 ? undefined : 1 }),
    );
    await page.evaluate((list) => window.keyed.setCameras(list), cams);
    const rows = page.locator(".cameras-panel tbody tr[data-camera-id]");
    expect(await rows.count()).toBe(300);
    // The new column: after "restarts", a percentage, "chưa rõ" when no state is known, "—" when not measured.
    expect(await page.locator(".cameras-panel thead th").nth(6).textContent()).toBe("Hoạt động 24 giờ");
    const uptime = (i: number) => page.locator(`.cameras-panel tr[data-camera-id=${camId(i)}] td`).nth(6).textContent();
    expect([await uptime(0), await uptime(1), await uptime(2), await uptime(3)]).toEqual(["99,5%", "chưa rõ", "—", "100%"]);

    const row = page.locator(`.cameras-panel tr[data-camera-id=${camId(focusedCam)}]`);
    await row.focus();
    const snapshot = () =>
      page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        w["rowsBefore"] = new Map(Array.from(document.querySelectorAll<HTMLElement>(".cameras-panel tr[data-camera-id]"), (el) => [el.dataset["cameraId"], el]));
        w["focusBefore"] = document.activeElement;
        return window.keyed.watch();
      });
    const check = () =>
      page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        const before = w["rowsBefore"] as Map<string, Element>;
        const list = Array.from(document.querySelectorAll<HTMLElement>(".cameras-panel tr[data-camera-id]"));
        return {
          count: list.length,
          same: list.filter((el) => before.get(el.dataset["cameraId"]!) === el).length,
          order: list.slice(0, 2).map((el) => el.dataset["cameraId"]),
          focusKept: document.activeElement === w["focusBefore"],
          touched: window.keyed.touchedIds(),
        };
      });

    // Another camera goes offline (its row moves to the top) and the focused one reports a new frame rate.
    await snapshot();
    await page.evaluate(async (s) => {
      window.keyed.cameras.applyStatus(s[0]!);
      await window.keyed.applyStatus(s[1]!);
    }, [status(10, { state: "offline", ts: new Date(T0 + 5000).toISOString(), fps: 0 }), status(focusedCam, { ts: new Date(T0 + 5000).toISOString(), fps: 1.5 })]);
    expect(await check()).toEqual({ count: 300, same: 300, order: [camId(10), camId(0)], focusKept: true, touched: [camId(10), camId(focusedCam)] });
    expect(await row.locator("td").nth(2).textContent()).toBe("1.5");
    expect(await page.locator(`.cameras-panel tr[data-camera-id=${camId(10)}] td`).first().textContent()).toBe("Mất tín hiệu");

    // The focused camera itself goes offline: its row moves, the node and the focus stay with it.
    await snapshot();
    await page.evaluate((s) => window.keyed.applyStatus(s), status(focusedCam, { state: "offline", ts: new Date(T0 + 9000).toISOString(), fps: 0 }));
    expect(await check()).toEqual({ count: 300, same: 300, order: [camId(10), camId(focusedCam)], focusKept: true, touched: [camId(focusedCam)] });
  });
});
