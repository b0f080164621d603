/**
 * Route and event enumeration for police units (#18 target): against the real alert service,
 * PostgreSQL and Mosquitto, a province with two sibling districts. District B has a camera, plate
 * reads (one with an evidence picture), alerts (fire, smoke, a watchlist hit on its own entry), audit
 * rows and a webhook. Every route in the OpenAPI document is called by district A's supervisor with
 * B's ids and B's values in its path and query; each answer must hold nothing of B's (403, 404 or
 * no trace of B), while the province's supervisor (or, for admin-only routes, an admin) gets B's
 * data from the same call. Every mutating route aimed at B's records is refused and changes nothing.
 * Every Socket.IO push (alert:new, alert:update, plate:read, camera:status) of B's reaches B and
 * the province, never A. A route the table below cannot fill fails the test, so a new route has to
 * be added to it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { io as connectSocket, type Socket } from "socket.io-client";
import { cameraStatusMessage, cameraStatusSchema, encodePayload, type Alert, type ClientToServerEvents, type ServerToClientEvents } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness, type ApiResponse } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Who = "supA" | "supB" | "chief" | "admin";
const PASSWORDS = { supA: "giám sát huyện A 2024", supB: "giám sát huyện B 2024", chief: "chỉ huy tỉnh trực ban" } as const;
const USERNAMES = { supA: "sup.a", supB: "sup.b", chief: "chief" } as const;

const B = {
  unit: "huyen-b",
  unitName: "Công an huyện B",
  camera: "cam-b",
  cameraName: "Ngã tư huyện B",
  plate: "29B77777",
  wanted: "29B66666",
  wantedReason: "xe của đối tượng B-truy-na",
  lookupReason: "vụ án B-secret-42",
  snapshot: "/media/cam-b/read-b.jpg",
};
const A = { unit: "huyen-a", camera: "cam-a", plate: "30A12345" };
const LOOKUP_REASON = "kiểm tra phạm vi 42";

let h: AlertsHarness;
let mqtt: MqttClient;
const tokens = {} as Record<Who, string>;
const ids = { fire: "", smoke: "", hit: "", entry: "", webhook: "", read: "", readWithPicture: "" };
/** Everything of B's that must never reach A: ids, plates, names, reasons, the B supervisor's name. */
let markers: string[] = [];
const pushes: Record<Exclude<Who, "admin">, Array<{ event: string; payload: unknown }>> = { supA: [], supB: [], chief: [] };
const sockets: Client[] = [];

const call = (who: Who, method: string, path: string, body?: unknown) => api(h.base, method, path, { token: tokens[who], ...(body === undefined ? {} : { body }) });
const textOf = (r: ApiResponse) => (typeof r.body === "string" ? r.body : JSON.stringify(r.body));
const leaked = (r: ApiResponse, within = markers) => within.filter((m) => textOf(r).includes(m));
/** B's values in an answer to a request that did not itself carry them (a 404 may say which camera it did not find). */
const leakedBeyond = (r: ApiResponse, sent: string) => leaked(r).filter((m) => !sent.includes(m) && !sent.includes(encodeURIComponent(m)));
/** Whether a JSON answer holds anything: a non-empty list or a count above zero (a report of B's unit is only counts). */
const holdsData = (v: unknown): boolean =>
  Array.isArray(v) ? v.length > 0 : typeof v === "number" ? v > 0 : v !== null && typeof v === "object" ? Object.values(v).some(holdsData) : false;
const isBinary = (r: ApiResponse) => !/json|text|csv/.test(r.headers.get("content-type") ?? "");

async function openSocket(who: Exclude<Who, "admin">): Promise<void> {
  const socket: Client = connectSocket(h.base, { auth: { token: tokens[who] }, transports: ["websocket"], reconnection: false });
  sockets.push(socket);
  socket.onAny((event: string, payload: unknown) => void pushes[who].push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

async function raise(kind: "fire" | "smoke", cameraId: string): Promise<string> {
  const event = { schemaVersion: 1, id: crypto.randomUUID(), cameraId, ts: new Date().toISOString(), kind, confidence: 0.9, boxes: [], confirmedFrames: 3 };
  await mqtt.publishAsync(`${h.prefix}/events/fire`, JSON.stringify(event), { qos: 1 });
  let id = "";
  await waitUntil(async () => {
    id = (await call("admin", "GET", "/api/v1/alerts?limit=200")).body.items.find((a: Alert) => a.eventId === event.id)?.id ?? "";
    return !!id;
  }, 10_000, `the ${kind} alert at ${cameraId}`);
  return id;
}

async function publishRead(cameraId: string, plate: string, extra: Record<string, unknown> = {}): Promise<string> {
  const e = plateEvent({ cameraId, plate, ...extra });
  await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(e), { qos: 1 });
  return e.id;
}

async function publishStatus(cameraId: string): Promise<void> {
  const status = { schemaVersion: 1 as const, cameraId, state: "online" as const, ts: new Date().toISOString(), fps: 5, lastFrameTs: new Date().toISOString() };
  await mqtt.publishAsync(cameraStatusMessage.topic(cameraId, h.prefix), encodePayload(cameraStatusSchema, status), { qos: 1 });
}

beforeAll(async () => {
  h = await startAlertsHarness("units-enum", { alertCooldownMs: 0 });
  mqtt = await connectTestMqtt();
  tokens.admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  for (const u of [{ id: A.unit, name: "Công an huyện A" }, { id: B.unit, name: B.unitName }]) expect((await call("admin", "POST", "/api/v1/units", u)).status).toBe(201);
  for (const [id, name, unitId] of [[A.camera, "Ngã tư huyện A", A.unit], [B.camera, B.cameraName, B.unit]] as const) {
    expect((await call("admin", "POST", "/api/v1/cameras", { id, name, url: `rtsp://127.0.0.1:8554/${id}`, lat: 21.03, lon: 105.85, unitId })).status).toBe(201);
  }
  for (const [who, unitId] of [["supA", A.unit], ["supB", B.unit], ["chief", undefined]] as const) {
    expect((await call("admin", "POST", "/api/v1/users", { username: USERNAMES[who], password: PASSWORDS[who], role: "supervisor", ...(unitId ? { unitId } : {}) })).status).toBe(201);
    tokens[who] = (await login(h.base, USERNAMES[who], PASSWORDS[who])).token;
  }
  const entry = await call("supB", "POST", "/api/v1/watchlist", { plate: B.wanted, reason: B.wantedReason });
  expect(entry.status).toBe(201);
  ids.entry = entry.body.entry.id;
  const hook = await call("admin", "POST", "/api/v1/webhooks", { url: "http://127.0.0.1:9/huyen-b", unitId: B.unit, description: "trực ban huyện B" });
  expect(hook.status).toBe(201);
  ids.webhook = hook.body.webhook?.id ?? hook.body.id;
  // B's evidence picture on disk, where the service serves /media/cam-b/… from.
  mkdirSync(join(h.config.mediaDir, B.camera), { recursive: true });
  writeFileSync(join(h.config.mediaDir, B.camera, "read-b.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));

  for (const who of ["supA", "supB", "chief"] as const) await openSocket(who);
  await new Promise((r) => setTimeout(r, 300)); // sockets join their unit rooms just after connecting

  // A's own traffic first: proves A's socket receives what is A's.
  await publishRead(A.camera, A.plate);
  await publishStatus(A.camera);
  ids.read = await publishRead(B.camera, B.plate);
  ids.readWithPicture = await publishRead(B.camera, B.plate, { snapshot: B.snapshot });
  await publishRead(B.camera, B.wanted); // a hit on B's own entry
  await publishStatus(B.camera);
  ids.fire = await raise("fire", B.camera);
  ids.smoke = await raise("smoke", B.camera);
  await waitUntil(async () => {
    ids.hit = (await call("admin", "GET", "/api/v1/alerts?type=watchlist_hit")).body.items.find((a: Alert) => a.plate === B.wanted)?.id ?? "";
    return !!ids.hit;
  }, 10_000, "B's watchlist hit");
  // alert:update: B's supervisor takes the smoke alert. A plate lookup of B's: an audit row with B's reason.
  expect((await call("supB", "POST", `/api/v1/alerts/${ids.smoke}/ack`, { note: "tổ B đang đến" })).status).toBe(200);
  expect((await call("supB", "GET", `/api/v1/plates?q=${B.plate}&reason=${encodeURIComponent(B.lookupReason)}`)).status).toBe(200);
  await waitUntil(() => pushes.chief.some((p) => p.event === "alert:update"), 10_000, "the province's alert:update");
  await waitUntil(() => pushes.supA.some((p) => p.event === "camera:status"), 10_000, "A's own camera status");
  markers = [B.unit, B.unitName, B.camera, B.cameraName, B.plate, B.wanted, B.wantedReason, B.lookupReason, USERNAMES.supB, ids.fire, ids.smoke, ids.hit, ids.entry, ids.webhook, ids.read, ids.readWithPicture, "29B-777.77", "29B-666.66"];
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await mqtt?.endAsync();
  await h?.close();
});

interface OpenApiParam {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
}
type OpenApiDoc = { paths: Record<string, Record<string, { parameters?: OpenApiParam[] }>> };

/** B's values for each path parameter, by route; more than one: the route is called with each. */
function pathValues(path: string, name: string): string[] | null {
  if (name === "*" && path.startsWith("/media/")) return [B.snapshot.slice("/media/".length)];
  if (path.startsWith("/api/v1/alerts/")) return [ids.fire, ids.smoke, ids.hit];
  if (path.startsWith("/api/v1/cameras/")) return [B.camera];
  if (path.startsWith("/api/v1/watchlist/")) return [ids.entry];
  if (path.startsWith("/api/v1/plates/")) return [B.plate, B.wanted];
  if (path.startsWith("/api/v1/units/")) return [B.unit];
  if (path.startsWith("/api/v1/users/")) return [USERNAMES.supB];
  if (path.startsWith("/api/v1/webhooks/deliveries/")) return [crypto.randomUUID()];
  if (path.startsWith("/api/v1/webhooks/")) return [ids.webhook];
  if (path.startsWith("/tiles/")) return [{ z: "1", x: "1", tile: "1.png" }[name] ?? "1"];
  return null;
}

/** B's values for query parameters, by name: a lookup of B's plate, at B's camera, for B's unit, in the last hours. */
const QUERY_VALUES: Record<string, () => string> = {
  reason: () => LOOKUP_REASON,
  q: () => B.plate,
  cameraId: () => B.camera,
  unitId: () => B.unit,
  username: () => USERNAMES.supB,
  from: () => new Date(Date.now() - 2 * 3_600_000).toISOString(),
  to: () => new Date(Date.now() + 3_600_000).toISOString(),
  limit: () => "200",
};

/** The calls for one GET route: its required query only, then every query parameter B's values fill. */
function variants(path: string, params: OpenApiParam[]): string[] {
  const templates = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  let filled = [path];
  for (const name of templates) {
    const values = pathValues(path, name);
    if (!values) throw new Error(`no value for path parameter ${name} of ${path}: add it to the enumeration table`);
    filled = filled.flatMap((p) => values.map((v) => p.replace(`{${name}}`, name === "*" ? v : encodeURIComponent(v))));
  }
  const query = params.filter((p) => p.in === "query");
  const qs = (list: OpenApiParam[]) => {
    const s = new URLSearchParams();
    for (const p of list) {
      const v = QUERY_VALUES[p.name];
      if (v) s.set(p.name, v());
      else if (p.required) throw new Error(`no value for required query parameter ${p.name} of ${path}: add it to the enumeration table`);
    }
    return s.toString();
  };
  const required = qs(query.filter((p) => p.required));
  const all = qs(query);
  return filled.flatMap((p) => [...new Set([required, all])].map((q) => (q ? `${p}?${q}` : p)));
}

/** Bodies for the mutating routes, aimed at B's records; a route missing here fails the test. */
const MUTATIONS: Record<string, () => unknown> = {
  "POST /api/v1/alerts/{id}/ack": () => ({}),
  "POST /api/v1/alerts/{id}/assign": () => ({ userId: USERNAMES.supA }),
  "POST /api/v1/alerts/{id}/resolve": () => ({ reason: "test", note: "thử từ huyện A" }),
  "DELETE /api/v1/watchlist/{id}": () => undefined,
  "POST /api/v1/watchlist": () => ({ plate: "29B12399", reason: "thử từ huyện A", unitId: B.unit }),
  "PATCH /api/v1/cameras/{id}": () => ({ name: "đổi tên từ huyện A" }),
  "DELETE /api/v1/cameras/{id}": () => undefined,
  "POST /api/v1/cameras": () => ({ id: "cam-x", name: "x", url: "rtsp://127.0.0.1:8554/x", lat: 21, lon: 105, unitId: B.unit }),
  "POST /api/v1/cameras/{id}": () => ({ name: "x", url: "rtsp://127.0.0.1:8554/x", lat: 21, lon: 105, unitId: B.unit }),
  "POST /api/v1/units": () => ({ name: "Công an xã B9", parentId: B.unit }),
  "PATCH /api/v1/units/{id}": () => ({ name: "đổi tên" }),
  "DELETE /api/v1/units/{id}": () => undefined,
  "POST /api/v1/users": () => ({ username: "nguoi.la", password: "mật khẩu đủ dài 2024", role: "supervisor", unitId: B.unit }),
  "PATCH /api/v1/users/{username}": () => ({ disabled: true }),
  "DELETE /api/v1/users/{username}/sessions": () => undefined,
  "POST /api/v1/webhooks": () => ({ url: "http://127.0.0.1:9/x", unitId: B.unit }),
  "DELETE /api/v1/webhooks/{id}": () => undefined,
  "POST /api/v1/webhooks/deliveries/{id}/retry": () => undefined,
};
/** Not about units: signing in and out (a logout would end the session the enumeration uses). */
const NOT_UNIT_DATA = new Set(["POST /api/v1/auth/login", "POST /api/v1/auth/logout"]);

describe("a district user gets nothing of a sibling district's, through any route or push", () => {
  it("pushes B's alert:new, alert:update, plate:read and camera:status to B and the province only", async () => {
    await new Promise((r) => setTimeout(r, 1_000)); // anything late would have arrived by now
    const kinds = (who: keyof typeof pushes) => new Set(pushes[who].filter((p) => leaked({ status: 200, body: p.payload, headers: new Headers() }).length).map((p) => p.event));
    const everyEvent = ["alert:new", "alert:update", "camera:status", "plate:read"];
    expect([...kinds("chief")].sort()).toEqual(everyEvent);
    expect([...kinds("supB")].sort()).toEqual(everyEvent);
    expect([...kinds("supA")]).toEqual([]);
    // A's socket works: it got its own camera's read and status.
    expect(pushes.supA.filter((p) => (p.payload as { cameraId?: string }).cameraId === A.camera).map((p) => p.event).sort()).toEqual(["camera:status", "plate:read"]);
    expect(pushes.supA.every((p) => (p.payload as { cameraId?: string }).cameraId === A.camera)).toBe(true);
    if (process.env.VIGIL_TEST_TIMING) console.info(`socket pushes: province ${pushes.chief.length}, B ${pushes.supB.length}, A ${pushes.supA.length} (all A's own)`);
  });

  it("every GET route in the OpenAPI document: A gets 403/404 or nothing of B's; the province (or an admin) gets B's data", async () => {
    // The audit list before A's own lookups below (which it may see) put B's plate into A's rows.
    const auditFirst = await call("supA", "GET", "/api/v1/audit?limit=1000");
    expect(auditFirst.status).toBe(200);
    expect(leaked(auditFirst)).toEqual([]);
    expect(leaked(await call("chief", "GET", "/api/v1/audit?limit=1000"))).toEqual(expect.arrayContaining([B.lookupReason, USERNAMES.supB]));

    const doc = (await call("admin", "GET", "/api/docs/json")).body as OpenApiDoc;
    const counts = { routes: 0, calls: 0, parentSawB: 0, adminOnly: 0, refused: 0, emptyForA: 0, neutral: 0 };
    const notExercised: string[] = [];
    const failures: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths).sort()) {
      const op = ops.get;
      if (!op) continue;
      counts.routes++;
      let exercised = false;
      for (const url of variants(path, op.parameters ?? [])) {
        counts.calls++;
        const parent = await call("chief", "GET", url);
        const viaAdmin = parent.status === 403 ? await call("admin", "GET", url) : null;
        const seen = viaAdmin ?? parent;
        if (seen.status >= 200 && seen.status < 300) exercised = true;
        // A binary answer (a ZIP export, a picture) cannot be searched: it is B's when the call names B's record.
        const namesB = markers.some((m) => url.includes(m) || url.includes(encodeURIComponent(m)));
        const parentHasB = seen.status >= 200 && seen.status < 300 && (leaked(seen).length > 0 || (isBinary(seen) && namesB));
        const a = await call("supA", "GET", url);
        const aLeaks = leakedBeyond(a, url);
        if (aLeaks.length || (isBinary(a) && namesB && a.status >= 200 && a.status < 300)) failures.push(`${url}: A got ${a.status} with ${aLeaks.join(", ") || "a binary body"}`);
        // Asked about B's record by name, A may get a refusal or an empty answer, never figures or rows.
        else if (namesB && parentHasB && a.status >= 200 && a.status < 300 && holdsData(a.body)) failures.push(`${url}: A got ${a.status} with data (${textOf(a).slice(0, 160)})`);
        if (![200, 403, 404].includes(a.status) && !(a.status === 400 && seen.status === 400) && !(a.status === 503 && seen.status === 503)) failures.push(`${url}: A got ${a.status} (${textOf(a).slice(0, 120)})`);
        if (parentHasB) {
          counts.parentSawB++;
          if (viaAdmin) counts.adminOnly++;
          if (a.status === 403 || a.status === 404) counts.refused++;
          else counts.emptyForA++;
        } else counts.neutral++;
      }
      if (!exercised) notExercised.push(path);
    }
    console.info(`enumeration: ${counts.routes} GET routes, ${counts.calls} calls; the province or an admin got B's data from ${counts.parentSawB} (${counts.adminOnly} admin-only); A was refused ${counts.refused} of them (403/404) and got ${counts.emptyForA} without any of B's; ${counts.neutral} calls hold no unit data`);
    expect(failures).toEqual([]);
    // Routes that never answered 2xx here (live view without ingest, the tile server without tiles) are named, not hidden.
    expect(notExercised.sort()).toEqual(["/api/v1/cameras/{id}/live", "/tiles/{z}/{x}/{tile}"]);
    // The data routes are in the document and were seen with B's data.
    for (const p of ["/api/v1/cameras", "/api/v1/alerts", "/api/v1/alerts/{id}", "/api/v1/plates", "/api/v1/plates/{plate}/track", "/api/v1/watchlist", "/api/v1/audit", "/api/v1/reports/shift", "/media/{*}"]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(counts.parentSawB).toBeGreaterThanOrEqual(30);
  }, 120_000);

  it("A's own views hold no count of B's either: its shift report and its lists are empty", async () => {
    const report = await call("supA", "GET", "/api/v1/reports/shift");
    expect(report.status).toBe(200);
    expect(report.body.totals.raised).toBe(0);
    expect((await call("supA", "GET", "/api/v1/alerts")).body.items).toEqual([]);
    expect((await call("supA", "GET", "/api/v1/watchlist")).body.items).toEqual([]);
    expect((await call("supA", "GET", "/api/v1/cameras")).body.items.map((c: { id: string }) => c.id)).toEqual([A.camera]);
    expect((await call("chief", "GET", `/api/v1/reports/shift?unitId=${B.unit}`)).body.totals.raised).toBe(3);
  });

  it("every mutating route aimed at B's records is refused to A (403/404) and changes nothing", async () => {
    const doc = (await call("admin", "GET", "/api/docs/json")).body as OpenApiDoc;
    const before = {
      alerts: await Promise.all([ids.fire, ids.smoke, ids.hit].map(async (id) => (await call("supB", "GET", `/api/v1/alerts/${id}`)).body.alert as Alert)),
      camera: (await call("supB", "GET", `/api/v1/cameras/${B.camera}`)).body,
    };
    const results: string[] = [];
    let tried = 0;
    for (const [path, ops] of Object.entries(doc.paths).sort()) {
      for (const method of ["post", "patch", "put", "delete"]) {
        if (!ops[method]) continue;
        const key = `${method.toUpperCase()} ${path}`;
        if (NOT_UNIT_DATA.has(key)) continue;
        const body = MUTATIONS[key];
        if (!body) throw new Error(`no body for ${key}: add it to the enumeration table`);
        for (const url of variants(path, []).map((u) => u.split("?")[0]!)) {
          tried++;
          const sent = body();
          const res = await call("supA", method.toUpperCase(), url, sent);
          if (res.status !== 403 && res.status !== 404) results.push(`${key} → ${url}: ${res.status} ${textOf(res).slice(0, 160)}`);
          const beyond = leakedBeyond(res, url + JSON.stringify(sent ?? null));
          if (beyond.length) results.push(`${key}: the refusal names ${beyond.join(", ")}`);
        }
      }
    }
    expect(results).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(20);
    const after = await Promise.all([ids.fire, ids.smoke, ids.hit].map(async (id) => (await call("supB", "GET", `/api/v1/alerts/${id}`)).body.alert as Alert));
    expect(after.map((a) => [a.state, a.assignedTo ?? null, a.acknowledgedBy ?? null])).toEqual(before.alerts.map((a) => [a.state, a.assignedTo ?? null, a.acknowledgedBy ?? null]));
    expect((await call("supB", "GET", `/api/v1/cameras/${B.camera}`)).body).toMatchObject({ id: B.camera, name: before.camera.name, unitId: B.unit });
    expect((await call("supB", "GET", "/api/v1/watchlist")).body.items.map((e: { id: string }) => e.id)).toEqual([ids.entry]);
    expect((await call("admin", "GET", "/api/v1/units")).body.items.map((u: { id: string }) => u.id).sort()).toEqual([A.unit, B.unit, "root"]);
    // And A's audit still holds nothing B typed.
    expect(leaked(await call("supA", "GET", "/api/v1/audit?limit=1000"), [B.lookupReason, USERNAMES.supB, B.wantedReason])).toEqual([]);
  }, 120_000);
});
