import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, type AlertsHarness, METRICS_TOKEN } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";
import type { MqttClient } from "mqtt";
import type { CameraConfig } from "@vigil/contracts";
import { request } from "node:http";

function rawGet(base: string, path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = request({ host: u.hostname, port: u.port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

// The REST API against a real PostgreSQL and Mosquitto: auth, CSRF, the role matrix, and every route
// with good, bad and unauthorised input.
let h: AlertsHarness;
let mqtt: MqttClient;
const changed: CameraConfig[][] = [];
const tokens: Record<"operator" | "supervisor" | "admin", string> = { operator: "", supervisor: "", admin: "" };

const consoleDir = mkdtempSync(join(tmpdir(), "vigil-console-"));
mkdirSync(join(consoleDir, "assets"));
writeFileSync(join(consoleDir, "index.html"), "<!doctype html><title>Vigil</title><script type=module src=/assets/app.js></script>");
writeFileSync(join(consoleDir, "assets", "app.js"), "console.log('vigil')");

beforeAll(async () => {
  h = await startAlertsHarness("api", { loginRateLimitPerMin: 15, consoleDir }, { onCamerasChanged: (c) => void changed.push(c) });
  mqtt = await connectTestMqtt();
  tokens.admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  for (const role of ["operator", "supervisor"] as const) {
    const res = await api(h.base, "POST", "/api/v1/users", { token: tokens.admin, body: { username: `${role}1`, password: `${role}-password-1`, role } });
    expect(res.status).toBe(201);
    tokens[role] = (await login(h.base, `${role}1`, `${role}-password-1`)).token;
  }
});

afterAll(async () => {
  await mqtt?.endAsync();
  await h?.close();
});

describe("auth", () => {
  it("rejects a wrong password with 401 and audits it", async () => {
    const res = await api(h.base, "POST", "/api/v1/auth/login", { body: { username: "admin", password: "nope" } });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("unauthorized");
    const audit = await api(h.base, "GET", "/api/v1/audit?action=auth.login_failed", { token: tokens.admin });
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it("rejects malformed login bodies with a 400 naming the field", async () => {
    const res = await api(h.base, "POST", "/api/v1/auth/login", { body: { username: "admin" } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/password/);
  });

  it("sets an HttpOnly SameSite=Strict cookie; cookie sessions need the CSRF token on unsafe methods", async () => {
    const res = await api(h.base, "POST", "/api/v1/auth/login", { body: { username: "supervisor1", password: "supervisor-password-1" } });
    const cookieHeader = res.headers.get("set-cookie") ?? "";
    expect(cookieHeader).toMatch(/^vigil_session=/);
    expect(cookieHeader).toMatch(/HttpOnly/i);
    expect(cookieHeader).toMatch(/SameSite=Strict/i);
    const cookie = cookieHeader.split(";")[0]!;
    const me = await api(h.base, "GET", "/api/v1/me", { cookie });
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual({ username: "supervisor1", role: "supervisor", unitId: "root" });
    expect(me.body.csrfToken).toBe(res.body.csrfToken);
    const body = { plate: "29A-111.11", reason: "csrf test", priority: "low" };
    expect((await api(h.base, "POST", "/api/v1/watchlist", { cookie, body })).status).toBe(403);
    expect((await api(h.base, "POST", "/api/v1/watchlist", { cookie, csrf: "forged", body })).status).toBe(403);
    expect((await api(h.base, "POST", "/api/v1/watchlist", { cookie, csrf: res.body.csrfToken, body })).status).toBe(201);
    // Bearer requests need no CSRF token.
    expect((await api(h.base, "POST", "/api/v1/watchlist", { token: res.body.token, body: { ...body, plate: "29A-111.12" } })).status).toBe(201);
  });

  it("logout ends the session", async () => {
    const s = await login(h.base, "operator1", "operator-password-1");
    expect((await api(h.base, "POST", "/api/v1/auth/logout", { token: s.token })).status).toBe(204);
    expect((await api(h.base, "GET", "/api/v1/me", { token: s.token })).status).toBe(401);
  });

  it("expired sessions are refused", async () => {
    const s = await login(h.base, "operator1", "operator-password-1");
    await h.db.query("UPDATE sessions SET expires_at = now() - interval '1 second'");
    expect((await api(h.base, "GET", "/api/v1/me", { token: s.token })).status).toBe(401);
    await h.db.query("UPDATE sessions SET expires_at = now() + interval '1 hour'");
  });

  it("rejects garbage credentials", async () => {
    expect((await api(h.base, "GET", "/api/v1/me", { token: "x".repeat(43) })).status).toBe(401);
    expect((await api(h.base, "GET", "/api/v1/me", { headers: { authorization: "Basic YWRtaW46YWRtaW4=" } })).status).toBe(401);
    expect((await api(h.base, "GET", "/api/v1/me", { cookie: "vigil_session=%E0%A4%A" })).status).toBe(401);
  });

});

describe("role matrix", () => {
  type Role = "none" | "operator" | "supervisor" | "admin";
  const RANK: Record<Role, number> = { none: -1, operator: 0, supervisor: 1, admin: 2 };
  let n = 0;
  const uuid = () => crypto.randomUUID();
  const routes: { method: string; path: () => string; body?: () => unknown; min: Exclude<Role, "none">; ok: number }[] = [
    { method: "GET", path: () => "/api/v1/me", min: "operator", ok: 200 },
    { method: "GET", path: () => "/api/v1/cameras", min: "operator", ok: 200 },
    { method: "GET", path: () => "/api/v1/plates?q=51F12345&reason=matrix%20test", min: "operator", ok: 200 },
    { method: "GET", path: () => "/api/v1/plates/51F12345/track?reason=case%2042", min: "operator", ok: 200 },
    { method: "GET", path: () => "/api/v1/watchlist", min: "operator", ok: 200 },
    { method: "GET", path: () => "/api/v1/alerts", min: "operator", ok: 200 },
    { method: "POST", path: () => `/api/v1/alerts/${uuid()}/ack`, body: () => ({}), min: "operator", ok: 404 },
    { method: "GET", path: () => "/media/none.jpg", min: "operator", ok: 404 },
    { method: "POST", path: () => "/api/v1/watchlist", body: () => ({ plate: `30A-${String(100 + ++n).padStart(3, "0")}.00`, reason: "matrix", priority: "low" }), min: "supervisor", ok: 201 },
    { method: "DELETE", path: () => `/api/v1/watchlist/${uuid()}`, min: "supervisor", ok: 404 },
    { method: "POST", path: () => `/api/v1/alerts/${uuid()}/resolve`, body: () => ({ note: "done" }), min: "supervisor", ok: 404 },
    { method: "POST", path: () => `/api/v1/cameras/m${++n}`, body: () => ({ name: "M", url: "rtsp://10.0.0.1/s", lat: 10.7, lon: 106.6 }), min: "admin", ok: 201 },
    { method: "PATCH", path: () => "/api/v1/cameras/does-not-exist", body: () => ({ name: "x" }), min: "admin", ok: 404 },
    { method: "DELETE", path: () => "/api/v1/cameras/does-not-exist", min: "admin", ok: 404 },
    { method: "GET", path: () => "/api/v1/users", min: "admin", ok: 200 },
    { method: "POST", path: () => "/api/v1/users", body: () => ({ username: `u${++n}x`, password: "long-enough-pw", role: "operator" }), min: "admin", ok: 201 },
    // Supervisors read their units' audit rows (#18), admins all of them.
    { method: "GET", path: () => "/api/v1/audit", min: "supervisor", ok: 200 },
    { method: "GET", path: () => "/api/v1/units", min: "operator", ok: 200 },
    { method: "POST", path: () => "/api/v1/units", body: () => ({ id: `matrix-${++n}`, name: "Đơn vị thử" }), min: "admin", ok: 201 },
    { method: "PATCH", path: () => "/api/v1/units/does-not-exist", body: () => ({ name: "x" }), min: "admin", ok: 404 },
    { method: "DELETE", path: () => "/api/v1/units/does-not-exist", min: "admin", ok: 404 },
  ];
  const cases = routes.flatMap((r) => (["none", "operator", "supervisor", "admin"] as const).map((role) => ({ ...r, role, expected: role === "none" ? 401 : RANK[role] < RANK[r.min] ? 403 : r.ok })));
  it.each(cases.map((c) => ({ ...c, name: `${c.method} ${c.path().replace(/[0-9a-f-]{36}/, ":id")}` })))("$name as $role → $expected", async ({ method, path, body, role, expected }) => {
    const p = path();
    const res = await api(h.base, method, p, { ...(role === "none" ? {} : { token: tokens[role] }), ...(body ? { body: body() } : {}) });
    expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(expected);
  });
});

describe("cameras", () => {
  it("creates, redacts credentials, pushes to ingest (hook + retained topic), patches and deletes", async () => {
    const cfg = await collectMessages(mqtt, `${h.prefix}/config/cameras`);
    const before = changed.length;
    const body = { id: "gate-1", name: "Gate 1", url: "rtsp://user:s3cret@10.1.1.1:554/stream", lat: 10.77, lon: 106.7, analytics: ["plates"] };
    const created = await api(h.base, "POST", "/api/v1/cameras", { token: tokens.admin, body });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe("rtsp://***:***@10.1.1.1:554/stream");
    expect(changed.length).toBe(before + 1);
    expect(changed.at(-1)!.find((c) => c.id === "gate-1")?.url).toBe(body.url); // ingest gets the real URL
    await cfg.waitFor((m) => m.some((x) => x.payload.toString().includes("gate-1")));
    expect((await api(h.base, "POST", "/api/v1/cameras", { token: tokens.admin, body })).status).toBe(409);
    const list = await api(h.base, "GET", "/api/v1/cameras", { token: tokens.operator });
    expect(JSON.stringify(list.body)).not.toContain("s3cret");
    const patched = await api(h.base, "PATCH", "/api/v1/cameras/gate-1", { token: tokens.admin, body: { name: "Gate One", sampleFps: 4 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: "gate-1", name: "Gate One", sampleFps: 4, lat: 10.77 });
    expect((await api(h.base, "PATCH", "/api/v1/cameras/gate-1", { token: tokens.admin, body: { lat: 123 } })).status).toBe(400);
    expect((await api(h.base, "PATCH", "/api/v1/cameras/gate-1", { token: tokens.admin, body: { id: "other" } })).status).toBe(400);
    expect((await api(h.base, "DELETE", "/api/v1/cameras/gate-1", { token: tokens.admin })).status).toBe(204);
    expect((await api(h.base, "GET", "/api/v1/cameras/gate-1", { token: tokens.admin })).status).toBe(404);
    const audit = await api(h.base, "GET", "/api/v1/audit?action=camera.create", { token: tokens.admin });
    expect(audit.body.items.some((a: { target: string }) => a.target === "gate-1")).toBe(true);
    expect(JSON.stringify(audit.body)).not.toContain("s3cret");
  });

  it("rejects bad camera bodies", async () => {
    for (const body of [
      { name: "x", url: "http://evil/", lat: 1, lon: 1 },
      { name: "x", url: "rtsp://a/b", lat: 91, lon: 1 },
      { name: "", url: "rtsp://a/b", lat: 1, lon: 1 },
      { name: "x", url: "rtsp://a/b", lat: 1, lon: 1, unknown: true },
    ]) {
      const res = await api(h.base, "POST", "/api/v1/cameras/bad-1", { token: tokens.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe("bad_request");
    }
    expect((await api(h.base, "POST", "/api/v1/cameras/bad id", { token: tokens.admin, body: { name: "x", url: "rtsp://a/b", lat: 1, lon: 1 } })).status).toBe(400);
  });

  it("validates fire zones and sensitivity, round-trips them through GET and pushes them to ingest", async () => {
    const body = { name: "Neon street", url: "rtsp://10.1.1.2/s", lat: 10.77, lon: 106.7 };
    const bowTie = [[0, 0], [1, 1], [1, 0], [0, 1]];
    for (const [fireZones, problem] of [
      [[[[0, 0], [1, 1]]], "at least 3 points"],
      [[[[0, 0], [1.2, 0], [0, 1]]], "from 0 to 1"],
      [[bowTie], "crosses itself"],
      [[[[0, 0], [0.5, 0.5], [1, 1]]], "no area"],
    ] as const) {
      const res = await api(h.base, "POST", "/api/v1/cameras/zones-bad", { token: tokens.admin, body: { ...body, fireZones } });
      expect(res.status, problem).toBe(400);
      expect(res.body.message).toContain(problem);
      expect(res.body.message).toContain("fireZones");
    }
    expect((await api(h.base, "POST", "/api/v1/cameras/zones-bad", { token: tokens.admin, body: { ...body, fireSensitivity: "max" } })).status).toBe(400);
    expect((await api(h.base, "GET", "/api/v1/cameras/zones-bad", { token: tokens.admin })).status).toBe(404);

    const sign = [[0.1, 0.1], [0.3, 0.1], [0.3, 0.25], [0.1, 0.25]];
    const created = await api(h.base, "POST", "/api/v1/cameras/zones-1", { token: tokens.admin, body: { ...body, fireZones: [sign] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ fireZones: [sign] });
    expect(created.body.fireSensitivity).toBeUndefined();

    const lamp = [[0.7, 0], [0.8, 0], [0.75, 0.2]];
    const patched = await api(h.base, "PATCH", "/api/v1/cameras/zones-1", { token: tokens.admin, body: { fireZones: [sign, lamp], fireSensitivity: "low" } });
    expect(patched.status).toBe(200);
    const bad = await api(h.base, "PATCH", "/api/v1/cameras/zones-1", { token: tokens.admin, body: { fireZones: [bowTie] } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/fireZones\/0: fire zone crosses itself/);
    const list = await api(h.base, "GET", "/api/v1/cameras", { token: tokens.operator });
    expect(list.body.items.find((c: { id: string }) => c.id === "zones-1")).toMatchObject({ fireZones: [sign, lamp], fireSensitivity: "low" });
    // Ingest gets them with the rest of the config (and puts them on every frame header).
    expect(changed.at(-1)!.find((c) => c.id === "zones-1")).toMatchObject({ fireZones: [sign, lamp], fireSensitivity: "low" });
    const cleared = await api(h.base, "PATCH", "/api/v1/cameras/zones-1", { token: tokens.admin, body: { fireZones: [] } });
    expect(cleared.body).toMatchObject({ fireZones: [], fireSensitivity: "low" });
    expect((await api(h.base, "DELETE", "/api/v1/cameras/zones-1", { token: tokens.admin })).status).toBe(204);
  });

  it("shows live status from the retained status topic", async () => {
    await api(h.base, "POST", "/api/v1/cameras/live-1", { token: tokens.admin, body: { name: "Live", url: "/videos/a.mp4", lat: 10, lon: 106 } });
    const st = { schemaVersion: 1, cameraId: "live-1", state: "online", ts: new Date().toISOString(), fps: 5, lastFrameTs: new Date().toISOString() };
    await mqtt.publishAsync(`${h.prefix}/cameras/live-1/status`, JSON.stringify(st), { qos: 1, retain: true });
    let cam: { status: { state: string } | null } | undefined;
    for (let i = 0; i < 50 && !cam?.status; i++) {
      cam = (await api(h.base, "GET", "/api/v1/cameras/live-1", { token: tokens.operator })).body;
      if (!cam?.status) await new Promise((r) => setTimeout(r, 50));
    }
    expect(cam?.status?.state).toBe("online");
    await mqtt.publishAsync(`${h.prefix}/cameras/live-1/status`, "", { qos: 1, retain: true });
  });
});

describe("users, plates, watchlist and alerts input", () => {
  it("validates user creation", async () => {
    expect((await api(h.base, "POST", "/api/v1/users", { token: tokens.admin, body: { username: "ab", password: "long-enough-pw", role: "operator" } })).status).toBe(400);
    expect((await api(h.base, "POST", "/api/v1/users", { token: tokens.admin, body: { username: "new-user", password: "short", role: "operator" } })).status).toBe(400);
    expect((await api(h.base, "POST", "/api/v1/users", { token: tokens.admin, body: { username: "new-user", password: "long-enough-pw", role: "root" } })).status).toBe(400);
    expect((await api(h.base, "POST", "/api/v1/users", { token: tokens.admin, body: { username: "operator1", password: "long-enough-pw", role: "operator" } })).status).toBe(409);
    const list = await api(h.base, "GET", "/api/v1/users", { token: tokens.admin });
    expect(list.body.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(["admin", "operator1", "supervisor1"]));
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/);
  });

  it("requires a reason for plate searches and audits it", async () => {
    const noReason = await api(h.base, "GET", "/api/v1/plates?q=51F12345", { token: tokens.operator });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/reason/);
    expect((await api(h.base, "GET", "/api/v1/plates?q=51F12345&reason=ok%20reason&match=regex", { token: tokens.operator })).status).toBe(400);
    expect((await api(h.base, "GET", "/api/v1/plates?q=51F12345&reason=ok%20reason&limit=0", { token: tokens.operator })).status).toBe(400);
    expect((await api(h.base, "GET", "/api/v1/plates?q=51F12345&reason=ok%20reason&cursor=garbage", { token: tokens.operator })).status).toBe(400);
    expect((await api(h.base, "GET", "/api/v1/plates?q=---&reason=ok%20reason", { token: tokens.operator })).status).toBe(400);
    const ok = await api(h.base, "GET", "/api/v1/plates?q=51F-123.45&reason=case%2042%2F2026&match=prefix", { token: tokens.operator });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ items: [], nextCursor: null });
    const audit = await api(h.base, "GET", "/api/v1/audit?action=plates.search&username=operator1", { token: tokens.admin });
    expect(audit.body.items[0].details).toMatchObject({ reason: "case 42/2026", match: "prefix" });
  });

  it("validates watchlist entries", async () => {
    const bad = [
      { plate: "51F", reason: "x", priority: "high" },
      { plate: "51F-123.45", reason: "", priority: "high" },
      { plate: "51F-123.45", reason: "x", priority: "urgent" },
      { plate: "51F-123.45", reason: "x", priority: "high", expiresAt: "tomorrow" },
      { plate: "51F-123.45", reason: "x", priority: "high", expiresAt: "2000-01-01T00:00:00Z" },
      { plate: "!!!!!!", reason: "x", priority: "high" },
    ];
    for (const body of bad) expect((await api(h.base, "POST", "/api/v1/watchlist", { token: tokens.supervisor, body })).status, JSON.stringify(body)).toBe(400);
    expect((await api(h.base, "DELETE", "/api/v1/watchlist/not-a-uuid", { token: tokens.supervisor })).status).toBe(400);
  });

  it("takes only valid plates as plate entries, and fragments only as explicit partial patterns", async () => {
    const partialAsPlate = await api(h.base, "POST", "/api/v1/watchlist", { token: tokens.supervisor, body: { plate: "51K25", reason: "nhân chứng nhớ một phần", priority: "high" } });
    expect(partialAsPlate.status).toBe(400);
    expect(partialAsPlate.body.message).toMatch(/not a valid Vietnamese plate.*partial/);
    const pattern = await api(h.base, "POST", "/api/v1/watchlist", { token: tokens.supervisor, body: { plate: "51K25", match: "partial", reason: "nhân chứng nhớ một phần", priority: "high" } });
    expect(pattern.status).toBe(201);
    expect(pattern.body.entry).toMatchObject({ plate: "51K25", match: "partial" });
    expect((await api(h.base, "POST", "/api/v1/watchlist", { token: tokens.supervisor, body: { plate: "5K", match: "partial", reason: "x", priority: "high" } })).status).toBe(400);
    const list = await api(h.base, "GET", "/api/v1/watchlist", { token: tokens.operator });
    expect(list.body.items.find((e: { id: string }) => e.id === pattern.body.entry.id)).toMatchObject({ match: "partial" });
    await api(h.base, "DELETE", `/api/v1/watchlist/${pattern.body.entry.id}`, { token: tokens.supervisor });
  });

  it("validates alert routes", async () => {
    expect((await api(h.base, "GET", "/api/v1/alerts?state=open", { token: tokens.operator })).status).toBe(400);
    expect((await api(h.base, "GET", "/api/v1/alerts?type=fire&state=new", { token: tokens.operator })).status).toBe(200);
    expect((await api(h.base, "POST", "/api/v1/alerts/123/ack", { token: tokens.operator, body: {} })).status).toBe(400);
    expect((await api(h.base, "POST", `/api/v1/alerts/${crypto.randomUUID()}/resolve`, { token: tokens.supervisor, body: {} })).status).toBe(400);
    expect((await api(h.base, "GET", `/api/v1/alerts/${crypto.randomUUID()}`, { token: tokens.operator })).status).toBe(404);
  });
});

describe("media, health, docs, headers", () => {
  it("serves evidence to sessions only, never outside MEDIA_DIR", async () => {
    mkdirSync(join(h.config.mediaDir, "snap"), { recursive: true });
    writeFileSync(join(h.config.mediaDir, "snap", "e1.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    expect((await api(h.base, "GET", "/media/snap/e1.jpg")).status).toBe(401);
    const ok = await fetch(`${h.base}/media/snap/e1.jpg`, { headers: { authorization: `Bearer ${tokens.operator}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    // A file right next to MEDIA_DIR, reachable only by escaping it.
    const secret = `vigil-secret-${Date.now()}.txt`;
    writeFileSync(join(h.config.mediaDir, "..", secret), "secret");
    for (const p of [`/media/..%2f${secret}`, `/media/%2e%2e/${secret}`, `/media/snap/..%2f..%2f${secret}`, "/media/%2e%2e/%2e%2e/etc/passwd", "/media/snap"]) {
      // Raw HTTP: fetch() would normalise the dot segments away before sending.
      const res = await rawGet(h.base, p, tokens.operator);
      expect(res.status, p).toBe(404);
      expect(res.body).not.toBe("secret");
    }
  });

  it("health, readiness and metrics", async () => {
    expect((await api(h.base, "GET", "/healthz")).body).toEqual({ status: "ok" });
    expect((await api(h.base, "GET", "/readyz")).body).toEqual({ status: "ready", database: true, broker: true });
    const metrics = await api<string>(h.base, "GET", "/metrics", { token: METRICS_TOKEN });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain("vigil_alerts_login_failures_total");
    // Without the scraper token: an admin session, nothing less.
    expect((await api(h.base, "GET", "/metrics")).status).toBe(401);
    expect((await api(h.base, "GET", "/metrics", { token: "not-the-metrics-token-000" })).status).toBe(401);
    expect((await api(h.base, "GET", "/metrics", { token: tokens.operator })).status).toBe(403);
    expect((await api(h.base, "GET", "/metrics", { token: tokens.admin })).status).toBe(200);
  });

  it("documents every API route as OpenAPI", async () => {
    // The API's map needs an account (issue 15, finding 10).
    expect((await api(h.base, "GET", "/api/docs/json")).status).toBe(401);
    expect((await fetch(`${h.base}/api/docs/`)).status).toBe(401);
    const doc = await api(h.base, "GET", "/api/docs/json", { token: tokens.operator });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const p of ["/api/v1/auth/login", "/api/v1/plates", "/api/v1/plates/{plate}/track", "/api/v1/watchlist/{id}", "/api/v1/alerts/{id}/resolve", "/api/v1/cameras/{id}", "/api/v1/audit", "/api/v1/users"]) {
      expect(doc.body.paths[p], p).toBeDefined();
    }
    expect(doc.body.paths["/api/v1/plates"].get.parameters.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(["q", "match", "reason", "cursor"]));
    expect((await fetch(`${h.base}/api/docs/`, { headers: { authorization: `Bearer ${tokens.operator}` } })).status).toBe(200);
  });

  it("serves the console at / with an SPA fallback, but never for API paths", async () => {
    const index = await fetch(`${h.base}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("<title>Vigil</title>");
    const asset = await fetch(`${h.base}/assets/app.js`);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    const deep = await fetch(`${h.base}/map/cam-1`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain("<title>Vigil</title>");
    expect((await api(h.base, "GET", "/api/v1/unknown")).body.error).toBe("not_found");
  });

  it("sends security headers and JSON 404s", async () => {
    const res = await api(h.base, "GET", "/api/v1/nope");
    expect(res.status).toBe(404);
    expect(res.body.error).toBe("not_found");
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(res.headers.get("content-security-policy")).toMatch(/img-src 'self' data: blob:/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("camera uptime over 24 h, and the audited plate export (issue 14)", () => {
  const hoursAgo = (n: number) => new Date(Date.now() - n * 3_600_000).toISOString();
  const statusTopic = (id: string) => `${h.prefix}/cameras/${id}/status`;

  it("records state changes from the status topic and shows each camera's uptime; unknown is null, not 0", async () => {
    for (const id of ["uptime-1", "uptime-2"]) {
      expect((await api(h.base, "POST", `/api/v1/cameras/${id}`, { token: tokens.admin, body: { name: `Uptime ${id}`, url: "/videos/a.mp4", lat: 10, lon: 106 } })).status).toBe(201);
    }
    // Online from 12 h ago, offline 6 h → 3 h ago, online since (a degraded spell counts as up): 9 of 12 known hours.
    const changes: [string, number][] = [["online", 12], ["online", 11], ["offline", 6], ["degraded", 3], ["online", 2]];
    for (const [state, ago] of changes) {
      await mqtt.publishAsync(statusTopic("uptime-1"), JSON.stringify({ schemaVersion: 1, cameraId: "uptime-1", state, ts: hoursAgo(ago), fps: state === "offline" ? 0 : 2, lastFrameTs: hoursAgo(ago) }), { qos: 1, retain: true });
    }
    // A status for a camera nobody registered is not logged.
    await mqtt.publishAsync(statusTopic("rogue-cam"), JSON.stringify({ schemaVersion: 1, cameraId: "rogue-cam", state: "online", ts: hoursAgo(1), fps: 2, lastFrameTs: null }), { qos: 1, retain: true });
    let cams: { id: string; uptime24h?: number | null }[] = [];
    for (let i = 0; i < 100; i++) {
      cams = (await api(h.base, "GET", "/api/v1/cameras", { token: tokens.operator })).body.items;
      // The degraded spell alone already makes 0.75, so also wait for the last status to be logged.
      const logged = await h.db.query("SELECT 1 FROM camera_state_log WHERE camera_id = 'uptime-1'");
      if (cams.find((c) => c.id === "uptime-1")?.uptime24h === 0.75 && logged.rows.length === 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(cams.find((c) => c.id === "uptime-1")?.uptime24h).toBeCloseTo(0.75, 3);
    expect(cams.find((c) => c.id === "uptime-2")).toMatchObject({ uptime24h: null });
    expect((await api(h.base, "GET", "/api/v1/cameras/uptime-1", { token: tokens.operator })).body.uptime24h).toBeCloseTo(0.75, 3);
    // Five statuses, four changes (online twice in a row is one); nothing for the rogue camera.
    const { rows } = await h.db.query<{ camera_id: string; state: string }>("SELECT camera_id, state FROM camera_state_log WHERE camera_id IN ('uptime-1', 'rogue-cam') ORDER BY ts");
    expect(rows.map((r) => r.state)).toEqual(["online", "offline", "degraded", "online"]);
    for (const id of ["uptime-1", "rogue-cam"]) await mqtt.publishAsync(statusTopic(id), "", { qos: 1, retain: true });
  });

  it("prunes log rows older than the retention, keeping each camera's state at the cut", async () => {
    await h.db.query("INSERT INTO camera_state_log (camera_id, ts, state) VALUES ('uptime-2', $1, 'offline'), ('uptime-2', $2, 'online'), ('gone-cam', $1, 'online')", [
      new Date(Date.now() - 100 * 86_400_000).toISOString(),
      new Date(Date.now() - 95 * 86_400_000).toISOString(),
    ]);
    await h.service.cameraUptime.prune(h.config.retentionDays);
    const { rows } = await h.db.query<{ camera_id: string; state: string }>("SELECT camera_id, state FROM camera_state_log WHERE camera_id IN ('uptime-2', 'gone-cam') ORDER BY ts");
    // The 95-day-old "online" stays (uptime-2 has been online since); the older change and the removed camera's row go.
    expect(rows).toEqual([{ camera_id: "uptime-2", state: "online" }]);
    const cam = (await api(h.base, "GET", "/api/v1/cameras/uptime-2", { token: tokens.operator })).body;
    expect(cam.uptime24h).toBe(1);
  });

  it("exports the search as CSV with absolute evidence links, neutralised formulas, and one audit row", async () => {
    const snapshot = "/media/export/e1.jpg";
    const events = [
      { id: "8a4b6c1e-0d6f-4c36-9a53-0f1e2d3c4b01", display: "51F-123.45", plate: "51F12345", ts: hoursAgo(2), snapshot, crop: "/media/export/e1-crop.jpg" },
      { id: "8a4b6c1e-0d6f-4c36-9a53-0f1e2d3c4b02", display: "51F-123.45", plate: "51F12345", ts: hoursAgo(1), cameraId: "uptime-2" },
    ];
    // An admin-typed camera name is text from outside: in a spreadsheet it must stay text.
    expect((await api(h.base, "PATCH", "/api/v1/cameras/uptime-2", { token: tokens.admin, body: { name: '=HYPERLINK("http://evil.example","Cầu")' } })).status).toBe(200);
    for (const e of events) {
      await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify({ schemaVersion: 1, cameraId: "uptime-1", rows: 1, confidence: 0.9, bbox: [0.1, 0.1, 0.2, 0.1], frames: 3, ...e }), { qos: 1 });
    }
    const path = "/api/v1/plates/export?q=51F-123.45&reason=%20H%E1%BB%93%20s%C6%A1%20145%2F2026%20";
    let res = await api<string>(h.base, "GET", path, { token: tokens.operator });
    for (let i = 0; i < 100 && !(res.status === 200 && res.headers.get("x-export-rows") === "2"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await api<string>(h.base, "GET", path, { token: tokens.operator });
    }
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="vigil-plates-51F12345-\d{8}-\d{4}\.csv"$/);
    const lines = res.body.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe("Thời gian (giờ VN),Biển số,Biển số và tỉnh/thành,Mã camera,Camera,Độ tin cậy,Ảnh,Ảnh biển số,Mã bản ghi");
    expect(lines).toHaveLength(3);
    // Newest first: the formula-like camera name is a quoted text cell; the older read links its evidence absolutely.
    expect(lines[1]).toMatch(/^[^,]+\+07:00,51F-123\.45,51F-123\.45 · TP\. Hồ Chí Minh,uptime-2,"'=HYPERLINK\(""http:\/\/evil\.example"",""Cầu""\)",0\.900,,,/);
    const media = `${h.base}/media/export/`;
    expect(lines[2]).toContain(`,51F-123.45,51F-123.45 · TP. Hồ Chí Minh,uptime-1,Uptime uptime-1,0.900,${media}e1.jpg,${media}e1-crop.jpg,${events[0]!.id}`);
    const audited = async () => (await api(h.base, "GET", "/api/v1/audit?action=plates.export&username=operator1", { token: tokens.admin })).body.items;
    const before = (await audited()).length;
    // Without TRUST_PROXY a forwarded host is not believed.
    const forged = await api<string>(h.base, "GET", path, { token: tokens.operator, headers: { "x-forwarded-host": "forged.example", "x-forwarded-proto": "https" } });
    expect(forged.body).toContain(`${media}e1.jpg`);
    expect(forged.body).not.toContain("forged.example");
    // One audit row per export, with the trimmed reason, the filter and the row count.
    const audit = await audited();
    expect(audit).toHaveLength(before + 1);
    expect(audit[0]).toMatchObject({ action: "plates.export", target: "51F-123.45", details: { reason: "Hồ sơ 145/2026", match: "exact", rows: 2, truncated: false } });
  });

  it("refuses an export without a reason, or with a bad filter, and audits nothing then", async () => {
    const before = (await api(h.base, "GET", "/api/v1/audit?action=plates.export", { token: tokens.admin })).body.items.length;
    for (const path of ["/api/v1/plates/export?q=51F12345", "/api/v1/plates/export?q=51F12345&reason=%20ab%20", "/api/v1/plates/export?q=---&reason=case%201", "/api/v1/plates/export?reason=case%201", "/api/v1/plates/export?q=51F12345&reason=case%201&lang=fr"]) {
      expect((await api(h.base, "GET", path, { token: tokens.operator })).status, path).toBe(400);
    }
    expect((await api(h.base, "GET", "/api/v1/plates/export?q=51F12345&reason=case%201")).status).toBe(401);
    expect((await api(h.base, "GET", "/api/v1/audit?action=plates.export", { token: tokens.admin })).body.items.length).toBe(before);
  });
});

describe("login rate limit (last: it uses up the budget)", () => {
  it("rate-limits logins", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) statuses.push((await api(h.base, "POST", "/api/v1/auth/login", { body: { username: "nobody", password: "x" } })).status);
    expect(statuses).toContain(429);
  });
});
