import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { io as connectSocket, type Socket } from "socket.io-client";
import { alertSchema, deadLetterSchema, type Alert, type ClientToServerEvents, type ServerToClientEvents } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness, METRICS_TOKEN } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";

// MQTT → storage → watchlist → alerts → REST and Socket.IO, against the real PostgreSQL and Mosquitto.
let h: AlertsHarness;
let mqtt: MqttClient;
let admin: string;
let operator: string;
let supervisor: string;
let alertsTopic: Awaited<ReturnType<typeof collectMessages>>;
let deadLetters: Awaited<ReturnType<typeof collectMessages>>;
let socket: Socket<ServerToClientEvents, ClientToServerEvents>;
const pushed: { event: string; data: unknown }[] = [];

const plateTopic = () => `${h.prefix}/events/plate`;
const publish = (topic: string, body: unknown) => mqtt.publishAsync(topic, typeof body === "string" ? body : JSON.stringify(body), { qos: 1 });
const storedCount = async () => Number((await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n);
const alertsWhere = async (sql: string, params: unknown[] = []) => (await h.db.query<{ id: string; match_kind: string; severity: string; state: string; camera_id: string; occurrences: number }>(`SELECT * FROM alerts WHERE ${sql}`, params)).rows;

beforeAll(async () => {
  h = await startAlertsHarness("pipe", { cameraOfflineAlertMs: 800 });
  mqtt = await connectTestMqtt();
  alertsTopic = await collectMessages(mqtt, `${h.prefix}/alerts`);
  deadLetters = await collectMessages(mqtt, `${h.prefix}/deadletter`);
  admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  for (const role of ["operator", "supervisor"] as const) {
    await api(h.base, "POST", "/api/v1/users", { token: admin, body: { username: role, password: `${role[0]}-test-secret-1`, role } });
  }
  operator = (await login(h.base, "operator", "o-test-secret-1")).token;
  supervisor = (await login(h.base, "supervisor", "s-test-secret-1")).token;
  await api(h.base, "POST", "/api/v1/cameras/cam-1", { token: admin, body: { name: "Nguyễn Huệ", url: "rtsp://10.0.0.1/a", lat: 10.7745, lon: 106.7038 } });
  await api(h.base, "POST", "/api/v1/cameras/cam-2", { token: admin, body: { name: "Lê Lợi", url: "rtsp://10.0.0.2/a", lat: 10.7730, lon: 106.7000 } });
  socket = connectSocket(h.base, { auth: { token: operator }, transports: ["websocket"], reconnection: false });
  for (const e of ["alert:new", "alert:update", "plate:read", "camera:status"] as const) socket.on(e, (data: unknown) => void pushed.push({ event: e, data }));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
});

afterAll(async () => {
  socket?.disconnect();
  await mqtt?.endAsync();
  await h?.close();
});

describe("plate reads", () => {
  it("are stored once per event id and searchable by exact, prefix, contains and fuzzy match", async () => {
    const base = Date.now() - 60_000;
    const plates = ["51F12345", "51F12399", "30A67890", "29B112345", "51FL2345", "43A12345"];
    const before = await storedCount();
    const events = plates.map((plate, i) => plateEvent({ plate, display: plate, ts: new Date(base + i * 1000).toISOString(), cameraId: i % 2 ? "cam-2" : "cam-1" }));
    for (const e of events) await publish(plateTopic(), e);
    await publish(plateTopic(), events[0]); // a redelivery
    await waitUntil(async () => (await storedCount()) === before + plates.length, 10_000, "reads stored");
    const search = async (q: string, match: string, extra = "") =>
      (await api(h.base, "GET", `/api/v1/plates?q=${encodeURIComponent(q)}&match=${match}&reason=test%20search${extra}`, { token: operator })).body.items.map((r: { plate: string }) => r.plate);
    expect(await search("51F-123.45", "exact")).toEqual(["51F12345"]);
    expect((await search("51F123", "prefix")).sort()).toEqual(["51F12345", "51F12399"]);
    expect((await search("12345", "contains")).sort()).toEqual(["29B112345", "43A12345", "51F12345"]);
    expect((await search("2345", "contains")).sort()).toEqual(["29B112345", "43A12345", "51F12345", "51FL2345"]);
    const fuzzy = (await api(h.base, "GET", "/api/v1/plates?q=51F12345&match=fuzzy&reason=test%20search", { token: operator })).body.items;
    expect(fuzzy.map((r: { plate: string }) => r.plate)).toEqual(expect.arrayContaining(["51F12345", "51FL2345"]));
    expect(fuzzy.map((r: { plate: string }) => r.plate)).not.toContain("30A67890");
    expect(fuzzy.find((r: { plate: string }) => r.plate === "51FL2345").score).toBeGreaterThan(0.9);
    expect(await search("2345", "contains", "&cameraId=cam-2")).toEqual(["43A12345", "29B112345"]);
    expect(await search("2345", "contains", `&from=${encodeURIComponent(new Date(base + 3500).toISOString())}`)).toEqual(["43A12345", "51FL2345"]);
  });

  it("pages with a cursor, newest first", async () => {
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < 5; i++) await publish(plateTopic(), plateEvent({ plate: "60C55555", display: "60C-555.55", ts: new Date(t0 + i * 1000).toISOString() }));
    await waitUntil(async () => (await api(h.base, "GET", "/api/v1/plates?q=60C55555&reason=paging&limit=50", { token: operator })).body.items.length === 5);
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 5; page++) {
      const res = await api(h.base, "GET", `/api/v1/plates?q=60C55555&reason=paging&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: operator });
      seen.push(...res.body.items.map((r: { ts: string }) => r.ts));
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it("takes a later revision, ignores an older one, and follows a revision into another day's partition", async () => {
    const id = crypto.randomUUID();
    const ts = new Date(Date.now() - 5_000).toISOString();
    await publish(plateTopic(), plateEvent({ id, plate: "77C11111", display: "77C-111.11", ts, revision: 1 }));
    await publish(plateTopic(), plateEvent({ id, plate: "77C11112", display: "77C-111.12", ts, revision: 2 }));
    await publish(plateTopic(), plateEvent({ id, plate: "77C11113", display: "77C-111.13", ts, revision: 0 }));
    const row = async () => (await h.db.query<{ plate: string; revision: number; ts: string }>("SELECT plate, revision, ts FROM plate_reads WHERE id = $1", [id])).rows;
    await waitUntil(async () => (await row())[0]?.revision === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(await row()).toMatchObject([{ plate: "77C11112", revision: 2 }]);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await publish(plateTopic(), plateEvent({ id, plate: "77C11114", display: "77C-111.14", ts: yesterday, revision: 3 }));
    await waitUntil(async () => (await row())[0]?.revision === 3);
    expect(await row()).toHaveLength(1);
    const part = await h.db.query<{ p: string }>("SELECT tableoid::regclass::text AS p FROM plate_reads WHERE id = $1", [id]);
    expect(part.rows[0]!.p).toMatch(/^plate_reads_p\d{8}$/);
  });

  it("returns a vehicle's track in time order with camera positions", async () => {
    const t0 = Date.now() - 600_000;
    await publish(plateTopic(), plateEvent({ plate: "88A22222", display: "88A-222.22", cameraId: "cam-2", ts: new Date(t0 + 60_000).toISOString() }));
    await publish(plateTopic(), plateEvent({ plate: "88A22222", display: "88A-222.22", cameraId: "cam-1", ts: new Date(t0).toISOString() }));
    await waitUntil(async () => (await api(h.base, "GET", "/api/v1/plates/88A-222.22/track?reason=case%2042", { token: operator })).body.points.length === 2);
    const track = (await api(h.base, "GET", "/api/v1/plates/88A-222.22/track?reason=case%2042", { token: operator })).body;
    expect(track.plate).toBe("88A22222");
    expect(track.points.map((p: { cameraId: string }) => p.cameraId)).toEqual(["cam-1", "cam-2"]);
    expect(track.points[0]).toMatchObject({ cameraName: "Nguyễn Huệ", lat: 10.7745, lon: 106.7038 });
  });
});

describe("watchlist → alerts", () => {
  it("raises an exact hit live (socket + MQTT) with the entry's priority", async () => {
    const entry = await api(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate: "72A-999.99", reason: "stolen car", priority: "critical" } });
    expect(entry.status).toBe(201);
    expect(entry.body.pastHits).toBe(0);
    const ev = plateEvent({ plate: "72A99999", display: "72A-999.99", snapshot: "/media/snap/x.jpg" });
    await publish(plateTopic(), ev);
    await waitUntil(() => pushed.some((p) => p.event === "alert:new" && (p.data as Alert).eventId === ev.id));
    const alert = pushed.find((p) => p.event === "alert:new" && (p.data as Alert).eventId === ev.id)!.data as Alert;
    expect(alert).toMatchObject({ type: "watchlist_hit", severity: "critical", matchKind: "exact", plate: "72A99999", reason: "stolen car", cameraId: "cam-1", state: "new", snapshot: "/media/snap/x.jpg" });
    expect(pushed.some((p) => p.event === "plate:read" && (p.data as { id: string }).id === ev.id)).toBe(true);
    await alertsTopic.waitFor((m) => m.some((x) => x.payload.toString().includes(alert.id)));
    const msg = alertsTopic.json<Alert>().find((a) => a.id === alert.id)!;
    expect(alertSchema.safeParse(msg).success).toBe(true);
    await waitUntil(async () => (await alertsWhere("id = $1", [alert.id])).length === 1);
  });

  it("raises a fuzzy hit for an OCR look-alike (51F-l23.45 → 51F-123.45), one step lower severity", async () => {
    await api(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate: "65B-432.10", reason: "wanted", priority: "high" } });
    const ev = plateEvent({ plate: "65B43Z1O", display: "65B-43Z.1O", cameraId: "cam-2" });
    await publish(plateTopic(), ev);
    await waitUntil(async () => (await alertsWhere("event_id = $1", [ev.id])).length === 1);
    expect((await alertsWhere("event_id = $1", [ev.id]))[0]).toMatchObject({ match_kind: "fuzzy", severity: "medium" });
    // A genuinely different plate does not hit.
    const other = plateEvent({ plate: "65B43219", display: "65B-432.19", cameraId: "cam-2" });
    await publish(plateTopic(), other);
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = $1", [other.id])).rows.length === 1);
    expect(await alertsWhere("event_id = $1", [other.id])).toEqual([]);
  });

  it("ignores expired entries", async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    expect((await api(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate: "36C-777.77", reason: "expires", priority: "high", expiresAt } })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1700));
    const ev = plateEvent({ plate: "36C77777", display: "36C-777.77" });
    await publish(plateTopic(), ev);
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = $1", [ev.id])).rows.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await alertsWhere("event_id = $1", [ev.id])).toEqual([]);
  });

  it("checks the last 24 h of reads when an entry is added (past-read matching)", async () => {
    const old = plateEvent({ plate: "92H45678", display: "92H-456.78", ts: new Date(Date.now() - 3 * 3_600_000).toISOString() });
    const tooOld = plateEvent({ plate: "92H45678", display: "92H-456.78", cameraId: "cam-2", ts: new Date(Date.now() - 30 * 3_600_000).toISOString() });
    await publish(plateTopic(), old);
    await publish(plateTopic(), tooOld);
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = ANY($1)", [[old.id, tooOld.id]])).rows.length === 2);
    const res = await api(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate: "92H45678", reason: "hit and run", priority: "medium" } });
    expect(res.body.pastHits).toBe(1);
    expect(await alertsWhere("event_id = $1", [old.id])).toHaveLength(1);
    expect(await alertsWhere("event_id = $1", [tooOld.id])).toEqual([]);
    const list = await api(h.base, "GET", "/api/v1/watchlist", { token: operator });
    expect(list.body.items.find((e: { id: string }) => e.id === res.body.entry.id).hits).toBe(1);
  });

  it("counts further reads of a wanted plate on its one open alert, whichever camera sees it", async () => {
    const entry = await api(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate: "15K-246.80", reason: "dedupe", priority: "low" } });
    expect(entry.status, JSON.stringify(entry.body)).toBe(201);
    const evs = [plateEvent({ plate: "15K24680", display: "15K-246.80" }), plateEvent({ plate: "15K24680", display: "15K-246.80" }), plateEvent({ plate: "15K24680", display: "15K-246.80", cameraId: "cam-2" })];
    for (const e of evs) await publish(plateTopic(), e);
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = ANY($1)", [evs.map((e) => e.id)])).rows.length === 3);
    await waitUntil(async () => (await alertsWhere("plate = '15K24680'"))[0]?.occurrences === 3, 5_000, "three occurrences");
    const rows = await alertsWhere("plate = '15K24680'");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ camera_id: "cam-1", occurrences: 3 });
  });

  it("a deleted entry no longer matches", async () => {
    const e = await api(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate: "47D-135.79", reason: "delete me", priority: "low" } });
    expect((await api(h.base, "DELETE", `/api/v1/watchlist/${e.body.entry.id}`, { token: supervisor })).status).toBe(204);
    expect((await api(h.base, "DELETE", `/api/v1/watchlist/${e.body.entry.id}`, { token: supervisor })).status).toBe(404);
    const ev = plateEvent({ plate: "47D13579", display: "47D-135.79" });
    await publish(plateTopic(), ev);
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = $1", [ev.id])).rows.length === 1);
    expect(await alertsWhere("event_id = $1", [ev.id])).toEqual([]);
  });
});

describe("alert workflow", () => {
  it("moves new → acknowledged → resolved with who/when/note, history, MQTT and socket updates", async () => {
    const fire = { schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-1", ts: new Date().toISOString(), kind: "fire", confidence: 0.9, boxes: [{ bbox: [0.1, 0.1, 0.2, 0.2], confidence: 0.9 }], confirmedFrames: 3 };
    await publish(`${h.prefix}/events/fire`, fire);
    await waitUntil(async () => (await alertsWhere("event_id = $1", [fire.id])).length === 1);
    const id = (await alertsWhere("event_id = $1", [fire.id]))[0]!.id;
    expect((await alertsWhere("id = $1", [id]))[0]).toMatchObject({ severity: "critical", state: "new" });
    const ack = await api(h.base, "POST", `/api/v1/alerts/${id}/ack`, { token: operator, body: { note: "on it" } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ state: "acknowledged", updatedBy: "operator", note: "on it" });
    expect((await api(h.base, "POST", `/api/v1/alerts/${id}/ack`, { token: operator, body: {} })).status).toBe(409);
    expect((await api(h.base, "POST", `/api/v1/alerts/${id}/resolve`, { token: operator, body: { note: "x" } })).status).toBe(403);
    const res = await api(h.base, "POST", `/api/v1/alerts/${id}/resolve`, { token: supervisor, body: { note: "extinguished" } });
    expect(res.body).toMatchObject({ state: "resolved", updatedBy: "supervisor", note: "extinguished" });
    expect((await api(h.base, "POST", `/api/v1/alerts/${id}/ack`, { token: operator, body: {} })).status).toBe(409);
    const detail = await api(h.base, "GET", `/api/v1/alerts/${id}`, { token: operator });
    expect(detail.body.history.map((x: { state: string; by: string | null; note: string | null }) => [x.state, x.by, x.note])).toEqual([
      ["new", null, null],
      ["acknowledged", "operator", "on it"],
      ["resolved", "supervisor", "extinguished"],
    ]);
    await alertsTopic.waitFor((m) => m.filter((x) => x.payload.toString().includes(id)).length >= 3);
    expect(alertsTopic.json<Alert>().filter((a) => a.id === id).map((a) => a.state)).toEqual(["new", "acknowledged", "resolved"]);
    expect(pushed.filter((p) => p.event === "alert:update" && (p.data as Alert).id === id).map((p) => (p.data as Alert).state)).toEqual(["acknowledged", "resolved"]);
    const list = await api(h.base, "GET", "/api/v1/alerts?type=fire&state=resolved", { token: operator });
    expect(list.body.items.map((a: Alert) => a.id)).toContain(id);
    const audit = await api(h.base, "GET", "/api/v1/audit?action=alert.resolve", { token: admin });
    expect(audit.body.items[0]).toMatchObject({ username: "supervisor", target: id });
  });

  it("updates a fire alert for a later revision of the same event instead of duplicating it", async () => {
    const smoke = { schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-2", ts: new Date().toISOString(), kind: "smoke", confidence: 0.4, boxes: [], confirmedFrames: 2, revision: 0 };
    await publish(`${h.prefix}/events/fire`, smoke);
    await waitUntil(async () => (await alertsWhere("event_id = $1", [smoke.id])).length === 1);
    await publish(`${h.prefix}/events/fire`, { ...smoke, confidence: 0.8, revision: 1, confirmedFrames: 6, snapshot: "/media/s.jpg" });
    await waitUntil(async () => (await alertsWhere("event_id = $1", [smoke.id]))[0]?.severity === "high");
    expect(await alertsWhere("event_id = $1", [smoke.id])).toHaveLength(1);
    expect(await alertsWhere("type = 'smoke' AND camera_id = 'cam-2'")).toHaveLength(1);
    expect(pushed.some((p) => p.event === "alert:update" && (p.data as Alert).eventId === smoke.id && (p.data as Alert).snapshot === "/media/s.jpg")).toBe(true);
  });

  it("acknowledges over the socket with a reply", async () => {
    const fire = { schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-2", ts: new Date().toISOString(), kind: "fire", confidence: 0.7, boxes: [], confirmedFrames: 3 };
    await publish(`${h.prefix}/events/fire`, fire);
    await waitUntil(() => pushed.some((p) => p.event === "alert:new" && (p.data as Alert).eventId === fire.id));
    const id = (pushed.find((p) => p.event === "alert:new" && (p.data as Alert).eventId === fire.id)!.data as Alert).id;
    const reply = await socket.timeout(5000).emitWithAck("alert:ack", { id, note: "seen on socket" });
    expect(reply).toMatchObject({ ok: true, alert: { id, state: "acknowledged", updatedBy: "operator" } });
    const again = await socket.timeout(5000).emitWithAck("alert:ack", { id });
    expect(again.ok).toBe(false);
    const bad = await socket.timeout(5000).emitWithAck("alert:ack", { id: "nope" } as never);
    expect(bad).toMatchObject({ ok: false });
  });

  it("raises camera_offline after the threshold and resolves it when the camera returns", async () => {
    const st = (state: string) => ({ schemaVersion: 1, cameraId: "cam-9", state, ts: new Date().toISOString(), fps: 0, lastFrameTs: null });
    await publish(`${h.prefix}/cameras/cam-9/status`, st("offline"));
    await waitUntil(() => pushed.some((p) => p.event === "camera:status" && (p.data as { cameraId: string }).cameraId === "cam-9"));
    await waitUntil(async () => (await alertsWhere("type = 'camera_offline' AND camera_id = 'cam-9'")).length === 1, 5000);
    await publish(`${h.prefix}/cameras/cam-9/status`, st("online"));
    await waitUntil(async () => (await alertsWhere("type = 'camera_offline' AND camera_id = 'cam-9'"))[0]?.state === "resolved", 5000);
  });
});

describe("bad input and sockets", () => {
  it("sends malformed payloads to the dead-letter topic with a reason, acks them, and keeps working", async () => {
    const before = deadLetters.messages.length;
    await publish(plateTopic(), "{not json");
    await publish(plateTopic(), { ...plateEvent(), plate: "51f-123" });
    await publish(`${h.prefix}/events/fire`, { schemaVersion: 1, id: "x" });
    await publish(`${h.prefix}/cameras/cam-1/status`, { schemaVersion: 2 });
    await deadLetters.waitFor((m) => m.length >= before + 4);
    const letters = deadLetters.json<{ reason: string; sourceTopic: string; consumer: string }>().slice(before);
    for (const l of letters) expect(deadLetterSchema.safeParse(l).success).toBe(true);
    expect(letters[0]!.reason).toMatch(/not valid JSON/);
    expect(letters[1]!.reason).toMatch(/plate/);
    expect(letters.map((l) => l.sourceTopic)).toEqual([plateTopic(), plateTopic(), `${h.prefix}/events/fire`, `${h.prefix}/cameras/cam-1/status`]);
    const ok = plateEvent({ plate: "99Z99999", display: "99Z-999.99" });
    await publish(plateTopic(), ok);
    await waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = $1", [ok.id])).rows.length === 1);
    const metrics = (await api<string>(h.base, "GET", "/metrics", { token: METRICS_TOKEN })).body;
    expect(metrics).toMatch(/vigil_alerts_messages_rejected_total\{kind="plate"\} 2/);
  });

  it("refuses socket handshakes without a valid session, accepts the session cookie", async () => {
    const tryConnect = (opts: Parameters<typeof connectSocket>[1]) =>
      new Promise<string>((resolve) => {
        const s = connectSocket(h.base, { transports: ["websocket"], reconnection: false, ...opts });
        s.once("connect", () => (s.disconnect(), resolve("connected")));
        s.once("connect_error", (err) => (s.disconnect(), resolve(err.message)));
      });
    expect(await tryConnect({})).toBe("unauthorized");
    expect(await tryConnect({ auth: { token: "forged" } })).toBe("unauthorized");
    const s = await login(h.base, "operator", "o-test-secret-1");
    expect(await tryConnect({ extraHeaders: { cookie: s.cookie } })).toBe("connected");
  });
});
