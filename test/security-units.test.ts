/**
 * Police units (#18 item 1) against the real alert service, PostgreSQL, Mosquitto and Chromium: a
 * province (the root unit) with two districts, a camera and a supervisor in each. Each district's
 * supervisor sees only their district's cameras, alerts (REST and the live Socket.IO push), plate
 * reads (search, browse, track) and audit rows; another district's alert cannot be acknowledged
 * (404); the province's supervisor sees both; a district user's map shows only their camera.
 */
import type { Browser } from "playwright-core";
import { io as connectSocket, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import type { Alert, AuditEntry, CameraView, ClientToServerEvents, PlateRead, ServerToClientEvents, TrackPoint, Unit } from "@vigil/contracts";
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from "@vigil/web-console/ensure-built";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { launchChromium } from "./console-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
interface Session {
  token: string;
  socket: Client;
  reads: string[];
  alerts: Alert[];
}

/** Read at both cameras (search, browse, track); each district's camera also reads its own wanted plate. */
const PLATE = "51F12345";
const WANTED = { "cam-a": "30A99999", "cam-b": "29A55555" } as const;
const PASSWORDS = { "sup.a": "giám sát huyện A 2024", "sup.b": "giám sát huyện B 2024", chief: "chỉ huy tỉnh trực ban" } as const;
type Who = keyof typeof PASSWORDS;

let h: AlertsHarness;
let mqtt: MqttClient;
let browser: Browser | null = null;
let adminToken: string;
const sessions = {} as Record<Who, Session>;

async function openSession(who: Who): Promise<Session> {
  const { token } = await login(h.base, who, PASSWORDS[who]);
  const socket: Client = connectSocket(h.base, { auth: { token }, transports: ["websocket"], reconnection: false });
  const s: Session = { token, socket, reads: [], alerts: [] };
  socket.on("plate:read", (e) => void s.reads.push(e.cameraId));
  socket.on("alert:new", (a) => void s.alerts.push(a));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return s;
}

const get = <T>(who: Who, path: string) => api<T>(h.base, "GET", path, { token: sessions[who].token });
const cameraIds = async (who: Who) => (await get<{ items: CameraView[] }>(who, "/api/v1/cameras")).body.items.map((c) => c.id).sort();
const alertCameras = async (who: Who) => (await get<{ items: Alert[] }>(who, "/api/v1/alerts?type=watchlist_hit")).body.items.map((a) => a.cameraId).sort();

beforeAll(async () => {
  await ensureConsoleBuilt();
  h = await startAlertsHarness("units", { consoleDir: CONSOLE_DIST_DIR, alertCooldownMs: 0 });
  mqtt = await connectTestMqtt();
  adminToken = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  const admin = (method: string, path: string, body?: unknown) => api(h.base, method, path, { token: adminToken, ...(body === undefined ? {} : { body }) });
  for (const u of [{ id: "huyen-a", name: "Công an huyện A" }, { id: "huyen-b", name: "Công an huyện B" }]) expect((await admin("POST", "/api/v1/units", u)).status).toBe(201);
  // Far apart (Hà Nội, Cần Thơ): never one marker cluster on the map.
  for (const [id, unitId, lat, lon] of [["cam-a", "huyen-a", 21.03, 105.85], ["cam-b", "huyen-b", 10.03, 105.78]] as const) {
    const res = await admin("POST", "/api/v1/cameras", { id, name: `Camera ${id}`, url: `rtsp://127.0.0.1:8554/${id}`, lat, lon, unitId });
    expect(res.status).toBe(201);
  }
  for (const [username, unitId] of [["sup.a", "huyen-a"], ["sup.b", "huyen-b"], ["chief", undefined]] as const) {
    const res = await admin("POST", "/api/v1/users", { username, password: PASSWORDS[username], role: "supervisor", ...(unitId ? { unitId } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  // Province-wide entries (the root's): one hit at each district's camera.
  for (const plate of Object.values(WANTED)) expect((await admin("POST", "/api/v1/watchlist", { plate, reason: "xe bị truy tìm" })).status).toBe(201);
  for (const who of Object.keys(PASSWORDS) as Who[]) sessions[who] = await openSession(who);
  // Their sockets join their unit rooms a moment after connecting.
  await new Promise((r) => setTimeout(r, 300));
  for (const cameraId of ["cam-a", "cam-b"] as const) {
    for (const plate of [PLATE, WANTED[cameraId]]) await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(plateEvent({ cameraId, plate })), { qos: 1 });
  }
  await waitUntil(async () => (await alertCameras("chief")).length === 2, 10_000, "both watchlist hits stored");
}, 120_000);

afterAll(async () => {
  for (const s of Object.values(sessions)) s.socket.close();
  await browser?.close();
  await mqtt?.endAsync();
  await h?.close();
});

describe("units scope what each user sees", () => {
  it("lists only the user's units, and each district only its own camera", async () => {
    expect((await get<{ items: Unit[] }>("sup.a", "/api/v1/units")).body.items.map((u) => u.id)).toEqual(["huyen-a"]);
    expect((await get<{ items: Unit[] }>("chief", "/api/v1/units")).body.items.map((u) => u.id).sort()).toEqual(["huyen-a", "huyen-b", "root"]);
    expect(await cameraIds("sup.a")).toEqual(["cam-a"]);
    expect(await cameraIds("sup.b")).toEqual(["cam-b"]);
    expect(await cameraIds("chief")).toEqual(["cam-a", "cam-b"]);
    expect((await get("sup.a", "/api/v1/cameras/cam-b")).status).toBe(404);
  });

  it("pushes reads and alerts live only to the camera's unit (and the province)", async () => {
    await waitUntil(() => sessions.chief.reads.length === 4 && sessions.chief.alerts.length === 2, 10_000, "the province's pushes");
    await waitUntil(() => sessions["sup.a"].alerts.length >= 1 && sessions["sup.b"].alerts.length >= 1, 10_000, "the districts' pushes");
    // Nothing of the other district arrives later either.
    await new Promise((r) => setTimeout(r, 500));
    expect(sessions["sup.a"].reads).toEqual(["cam-a", "cam-a"]);
    expect(sessions["sup.a"].alerts.map((a) => a.cameraId)).toEqual(["cam-a"]);
    expect(sessions["sup.b"].reads).toEqual(["cam-b", "cam-b"]);
    expect(sessions["sup.b"].alerts.map((a) => a.cameraId)).toEqual(["cam-b"]);
    expect(sessions.chief.reads.sort()).toEqual(["cam-a", "cam-a", "cam-b", "cam-b"]);
  });

  it("lists and opens only the unit's alerts; another district's cannot be acknowledged (REST or socket)", async () => {
    expect(await alertCameras("sup.a")).toEqual(["cam-a"]);
    expect(await alertCameras("sup.b")).toEqual(["cam-b"]);
    const alertB = sessions["sup.b"].alerts[0]!;
    expect((await get("sup.a", `/api/v1/alerts/${alertB.id}`)).status).toBe(404);
    const ack = await api(h.base, "POST", `/api/v1/alerts/${alertB.id}/ack`, { token: sessions["sup.a"].token, body: {} });
    expect(ack.status).toBe(404);
    const viaSocket = await sessions["sup.a"].socket.timeout(5_000).emitWithAck("alert:ack", { id: alertB.id });
    expect(viaSocket).toMatchObject({ ok: false, code: "not_found" });
    expect((await get<{ alert: Alert }>("sup.b", `/api/v1/alerts/${alertB.id}`)).body.alert.state).toBe("new");
    const own = await api<Alert>(h.base, "POST", `/api/v1/alerts/${alertB.id}/ack`, { token: sessions["sup.b"].token, body: {} });
    expect(own.status).toBe(200);
    expect(own.body.state).toBe("acknowledged");
  });

  it("finds only the unit's plate reads: search, browse and track", async () => {
    const reason = "reason=v%E1%BB%A5%20vi%E1%BB%87c%2012";
    const window = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const ids = async (who: Who, path: string) => [...new Set((await get<{ items: PlateRead[] }>(who, path)).body.items.map((r) => r.cameraId))].sort();
    for (const [who, expected] of [["sup.a", ["cam-a"]], ["sup.b", ["cam-b"]], ["chief", ["cam-a", "cam-b"]]] as const) {
      expect(await ids(who, `/api/v1/plates?q=${PLATE}&${reason}`)).toEqual(expected);
      expect(await ids(who, `/api/v1/plates?${window}&${reason}`)).toEqual(expected);
      const track = await get<{ points: TrackPoint[] }>(who, `/api/v1/plates/${PLATE}/track?${reason}`);
      expect(track.body.points.map((p) => p.cameraId).sort()).toEqual(expected);
    }
    // Naming the other district's camera finds nothing rather than its reads.
    expect(await ids("sup.a", `/api/v1/plates?${window}&cameraId=cam-b&${reason}`)).toEqual([]);
  });

  it("shows each district's supervisor only their unit's audit rows; the province all", async () => {
    const users = async (who: Who) => new Set((await get<{ items: AuditEntry[] }>(who, "/api/v1/audit?limit=1000")).body.items.map((e) => e.username));
    const a = await users("sup.a");
    const b = await users("sup.b");
    const all = await users("chief");
    expect([...a]).toEqual(["sup.a"]);
    expect([...b]).toEqual(["sup.b"]);
    for (const u of ["sup.a", "sup.b", "chief", "admin"]) expect(all.has(u)).toBe(true);
  });

  it("keeps the tree a tree: no move under a unit's own descendant, no removal of a unit that holds something", async () => {
    const admin = (method: string, path: string, body?: unknown) => api<{ error: string; message: string }>(h.base, method, path, { token: adminToken, ...(body === undefined ? {} : { body }) });
    expect((await admin("POST", "/api/v1/units", { id: "xa-a1", name: "Công an xã A1", parentId: "huyen-a" })).status).toBe(201);
    const cycle = await admin("PATCH", "/api/v1/units/huyen-a", { parentId: "xa-a1" });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error).toBe("cycle");
    const full = await admin("DELETE", "/api/v1/units/huyen-a");
    expect(full.status).toBe(409);
    expect(full.body.message).toMatch(/xa-a1.*cam-a.*sup\.a/s);
    expect((await api(h.base, "POST", "/api/v1/units", { token: sessions.chief.token, body: { name: "x" } })).status).toBe(403);
    expect((await admin("DELETE", "/api/v1/units/xa-a1")).status).toBe(204);
  });

  it("draws only the district's own camera on its supervisor's map (Chromium)", async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: "UTC" });
    const page = await context.newPage();
    await page.goto(h.base);
    await page.locator("input[name=username]").fill("sup.a");
    await page.locator("input[name=password]").fill(PASSWORDS["sup.a"]);
    await page.locator("form.login-form button[type=submit]").click();
    await page.locator(".leaflet-marker-pane .cam-marker[data-camera-id=cam-a]").waitFor({ timeout: 15_000 });
    expect(await page.locator(".leaflet-marker-pane .cam-marker").count()).toBe(1);
    expect(await page.locator("[data-camera-id=cam-b]").count()).toBe(0);
    // Not an admin: no units page.
    expect(await page.locator("[data-nav=units]").count()).toBe(0);
    await context.close();
  }, 60_000);

  it("lets an admin add a unit from the Vietnamese units page, in the tree under its parent", async () => {
    const context = await browser!.newContext({ viewport: { width: 1600, height: 900 }, timezoneId: "UTC" });
    const page = await context.newPage();
    await page.goto(h.base);
    await page.locator("input[name=username]").fill("admin");
    await page.locator("input[name=password]").fill(ADMIN_PASSWORD);
    await page.locator("form.login-form button[type=submit]").click();
    await page.locator("[data-nav=units]").click();
    const panel = page.locator(".units-panel");
    await panel.locator(".unit-row[data-unit-id=huyen-b]").waitFor();
    expect(await panel.locator("h2").textContent()).toBe("Đơn vị công an");
    await panel.locator("form.units-form input[name=name]").fill("Công an xã B1");
    await panel.locator("form.units-form input[name=id]").fill("xa-b1");
    await panel.locator("form.units-form select[name=parentId]").selectOption("huyen-b");
    await panel.locator("form.units-form button[type=submit]").click();
    await panel.locator(".unit-row[data-unit-id=xa-b1]").waitFor();
    expect(await panel.locator(".form-status").textContent()).toBe("Đã thêm đơn vị Công an xã B1");
    // Drawn below its district, indented one level deeper.
    const ids = await panel.locator(".unit-row").evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-unit-id")}:${(r as HTMLElement).style.paddingLeft}`));
    expect(ids).toEqual(["root:0px", "huyen-a:18px", "huyen-b:18px", "xa-b1:36px"]);
    const stored = (await api<{ items: Unit[] }>(h.base, "GET", "/api/v1/units", { token: adminToken })).body.items.find((u) => u.id === "xa-b1");
    expect(stored).toEqual({ id: "xa-b1", name: "Công an xã B1", parentId: "huyen-b" });
    await context.close();
  }, 60_000);
});
