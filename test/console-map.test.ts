/**
 * The map operators navigate by (issue 14 item 5), in Debian chromium against the real alert
 * service: a raster MBTiles street map from the data directory served at /tiles (its tiles load,
 * 256 px, same origin), camera names on hover, the side list of cameras (click → popup) and the
 * legend, in Vietnamese and English. Screenshots at 1600×900, 1024×768 and 800×600 go to
 * /tmp/map-shots/ (or VIGIL_MAP_SHOTS) and are checked for horizontal overflow.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "./alerts-harness.js";
import { launchChromium, loginPage, pageErrors, startConsoleEnv, type ConsoleEnv } from "./console-harness.js";
import { writeRasterMbtiles } from "./support/map-tiles.js";

const SHOTS = process.env.VIGIL_MAP_SHOTS ?? "/tmp/map-shots";
/** Central Hồ Chí Minh City and the test grid of cameras north-west of it. */
const AREA = { west: 106.59, south: 10.75, east: 106.715, north: 10.855, minZoom: 12, maxZoom: 15 };

let env: ConsoleEnv;
let browser: Browser;
let page: Page;
let dataDir = "";
let written: Awaited<ReturnType<typeof writeRasterMbtiles>>;

const poll = <T>(fn: () => T | Promise<T>, timeout = 8_000) => expect.poll(fn, { timeout });

async function overflow(p: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return p.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "vigil-map-"));
  mkdirSync(join(dataDir, "map"));
  const started = Date.now();
  written = await writeRasterMbtiles(join(dataDir, "map", "hcmc.mbtiles"), AREA);
  console.log(`wrote ${written.count} PNG tiles into MBTiles in ${Date.now() - started} ms`);
  // As npm start runs it: MAP_DIR = $DATA_DIR/map, the first .mbtiles there is the street map.
  env = await startConsoleEnv("console-map", { mapTiles: { dir: join(dataDir, "map") } });
  const now = new Date().toISOString();
  await env.publishStatus({ cameraId: "q1-nha-tho", state: "online", ts: now, fps: 2, lastFrameTs: now });
  await env.publishStatus({ cameraId: "q1-ben-thanh", state: "degraded", ts: now, fps: 0.6, lastFrameTs: now, error: "packet loss 12%" });
  await env.publishStatus({ cameraId: "q5-tran-hung-dao", state: "offline", ts: now, fps: 0, lastFrameTs: null, error: "connection refused" });
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("the tiles route", () => {
  it("serves the file's PNG tiles by XYZ address (TMS rows flipped), cached privately, behind the session", async () => {
    const [key, png] = [...written.tiles].find(([k]) => k.startsWith("14/"))!;
    const token = { token: env.adminToken };
    const res = await fetch(`${env.base}/tiles/${key}.png`, { headers: { authorization: `Bearer ${env.adminToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("private, max-age=3600");
    // The very bytes written for that XYZ address at its TMS row: a missed flip would give another tile or a 404.
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    const etag = res.headers.get("etag")!;
    expect((await api(env.base, "GET", `/tiles/${key}.png`, { ...token, headers: { "if-none-match": etag } })).status).toBe(304);

    expect((await api(env.base, "GET", `/tiles/${key}.png`)).status).toBe(401);
    expect((await api(env.base, "GET", "/tiles/14/0/0.png", token)).status).toBe(404); // inside the grid, not in the file
    expect((await api(env.base, "GET", `/tiles/${key}.jpg`, token)).status).toBe(404); // the file's tiles are PNG
    for (const bad of ["/tiles/14/16384/0.png", "/tiles/2/0/4.png", "/tiles/25/0/0.png", "/tiles/z/0/0.png", "/tiles/1/0/0.pbf"]) {
      const r = await api<{ error: string }>(env.base, "GET", bad, token);
      expect(r.status, bad).toBe(400);
      expect(r.body.error).toBe("bad_request");
    }
    const config = await api(env.base, "GET", "/api/v1/map/config", token);
    expect(config.body).toEqual({ tiles: { source: "file", url: "/tiles/{z}/{x}/{y}.png", minZoom: 12, maxZoom: 15, bounds: [AREA.west, AREA.south, AREA.east, AREA.north], attribution: "© OpenStreetMap contributors" } });
  });
});

describe("the map in the console", () => {
  it("draws the street map from the local tiles file: 256 px tiles from /tiles on this origin, credited in Vietnamese", async () => {
    ({ page } = await loginPage(browser, env.base, "operator"));
    await poll(() => page.locator("#map").getAttribute("data-basemap")).toBe("tiles");
    await poll(() => page.locator(".street-tiles img.leaflet-tile-loaded").count()).toBeGreaterThanOrEqual(6);
    const tiles = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>(".street-tiles img.leaflet-tile-loaded")).map((img) => ({ src: img.src, w: img.naturalWidth, h: img.naturalHeight })),
    );
    for (const t of tiles) {
      expect(t.src.startsWith(`${env.base}/tiles/`), t.src).toBe(true);
      expect([t.w, t.h]).toEqual([256, 256]);
    }
    expect(await page.locator(".leaflet-control-attribution").textContent()).toContain("Dữ liệu bản đồ © những người đóng góp OpenStreetMap");
    // The approximate outlines are the fallback only: not even fetched under real streets.
    expect(await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/geo/")).length)).toBe(0);
  });

  it("has a legend of the marker states in Vietnamese, with how many cameras are in each", async () => {
    const legend = page.locator(".map-legend");
    await expect.poll(() => legend.locator(".legend-toggle").textContent()).toContain("Chú giải");
    const count = (state: string) => legend.locator(`li[data-state=${state}] .legend-count`).textContent();
    await poll(() => count("online")).toBe("1");
    await poll(() => count("degraded")).toBe("1");
    await poll(() => count("offline")).toBe("1");
    expect(await count("unknown")).toBe(String(env.cameras.length - 3));
    const text = await legend.textContent();
    for (const label of ["Hoạt động", "Suy giảm", "Mất tín hiệu", "Chưa rõ", "Đang có cảnh báo mới", "Cụm camera"]) expect(text).toContain(label);
  });

  it("lists every camera by name with its state; a click flies there and opens its popup; the name shows on hover", async () => {
    const list = page.locator(".cam-list");
    expect(await list.locator(".cam-list-title").textContent()).toBe("Danh sách camera");
    await poll(() => list.locator(".cam-list-item").count()).toBe(env.cameras.length);
    const entry = list.locator(".cam-list-item[data-camera-id=q1-ben-thanh]");
    expect(await entry.locator(".cam-list-name").textContent()).toBe("Q1 · Vòng xoay Bến Thành");
    expect(await entry.locator(".cam-list-state").textContent()).toBe("Suy giảm");
    expect(await entry.getAttribute("class")).toContain("state-degraded");
    await page.screenshot({ path: join(SHOTS, "map-1600x900.png") });
    expect(await overflow(page)).toEqual({ scrollWidth: 1600, innerWidth: 1600 });

    // Typed without tone marks, as on a keyboard with no Vietnamese input.
    await list.locator(".cam-list-filter").fill("nha tho duc ba");
    await poll(() => list.locator(".cam-list-item").count()).toBe(1);
    await list.locator(".cam-list-item[data-camera-id=q1-nha-tho]").click();
    const popup = page.locator(".leaflet-popup .cam-popup[data-camera-id=q1-nha-tho]");
    await popup.waitFor({ timeout: 10_000 });
    expect(await popup.locator(".cam-popup-title").textContent()).toBe("Q1 · Nhà thờ Đức Bà");
    await page.waitForTimeout(400); // the fly-to settles
    await page.screenshot({ path: join(SHOTS, "map-popup-1600x900.png") });

    await page.locator(".leaflet-popup-close-button").click();
    const marker = page.locator(".leaflet-marker-pane .cam-marker[data-camera-id=q1-nha-tho]");
    await marker.hover();
    await poll(() => page.locator(".leaflet-tooltip.cam-tooltip").textContent()).toBe("Q1 · Nhà thờ Đức Bà");
    await page.screenshot({ path: join(SHOTS, "map-hover-1600x900.png") });
    await list.locator(".cam-list-filter").fill("");
  });

  it("stays usable at 1024×768 and 800×600: the list folds into a button and still opens a popup", async () => {
    for (const [w, hgt, id] of [[1024, 768, "q3-cmt8"], [800, 600, "q4-khanh-hoi"]] as const) {
      await page.setViewportSize({ width: w, height: hgt });
      await page.reload();
      await page.locator(".cam-list").waitFor();
      await poll(() => page.locator(".street-tiles img.leaflet-tile-loaded").count()).toBeGreaterThanOrEqual(4);
      // A map this narrow starts with the list folded: the cameras stay visible. At 800×600 the legend too.
      const isOpen = (selector: string) => page.locator(selector).evaluate((el) => el.classList.contains("open"));
      await poll(() => isOpen(".map-legend")).toBe(w !== 800);
      expect(await isOpen(".cam-list")).toBe(false);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, `map-${w}x${hgt}.png`) });
      expect(await overflow(page), `${w}×${hgt}`).toEqual({ scrollWidth: w, innerWidth: w });
      await page.locator(".cam-list-toggle").click();
      const entry = page.locator(`.cam-list-item[data-camera-id=${id}]`);
      await entry.scrollIntoViewIfNeeded();
      const box = (await entry.boundingBox())!;
      expect(box.x + box.width, `${w}×${hgt}: the list stays inside the window`).toBeLessThanOrEqual(w);
      await page.screenshot({ path: join(SHOTS, `map-list-${w}x${hgt}.png`) });
      await entry.click();
      await page.locator(`.leaflet-popup .cam-popup[data-camera-id=${id}]`).waitFor({ timeout: 10_000 });
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(SHOTS, `map-popup-${w}x${hgt}.png`) });
    }
  });

  it("keeps a machine's own ?tiles= choice, and falls back to the outlines when those tiles do not load", async () => {
    await page.goto(`${env.base}/?tiles=${encodeURIComponent("/nowhere/{z}/{x}/{y}.png")}`);
    await poll(() => page.locator("#map").getAttribute("data-basemap"), 15_000).toBe("outlines");
    expect(await page.locator(".street-tiles").count()).toBe(0);
    await poll(() => page.locator(".leaflet-overlay-pane path").count()).toBeGreaterThan(0);
    expect(await page.locator(".leaflet-control-attribution").textContent()).toContain("Không tải được bản đồ nền");
    await page.goto(`${env.base}/?tiles=off`);
    await poll(() => page.locator("#map").getAttribute("data-basemap")).toBe("tiles");
  });

  it("speaks English in English mode, with the OpenStreetMap credit", async () => {
    await page.setViewportSize({ width: 1600, height: 900 });
    // The language switch, as an operator clicks it (the console reloads in English).
    await page.locator(".lang-switch [data-lang=en]").click();
    await poll(() => page.locator(".cam-list-title").textContent()).toBe("Cameras");
    await poll(() => page.locator(".street-tiles img.leaflet-tile-loaded").count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator(".leaflet-control-attribution").textContent()).toContain("Map data © OpenStreetMap contributors");
    expect(await page.locator(".legend-toggle").textContent()).toContain("Legend");
    expect(await page.locator(".map-legend").textContent()).toContain("Offline");
    expect(await page.locator(".cam-list-filter").getAttribute("placeholder")).toBe("Find a camera by name…");
    expect(pageErrors).toEqual([]);
  });
});
