/**
 * Shift report (#18 item 4) against the real alert service and PostgreSQL: a province with two
 * districts (one with a commune), alerts seeded into one morning shift (06–14, Vietnam time) with
 * known raise, acknowledgement and resolution times, and the figures each unit's report must show —
 * worked out by hand below. Then one alert through the real path (MQTT → acknowledge → resolve) to
 * check the report reads what the service writes.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { shiftAt, type Alert, type ShiftFigures, type ShiftReportResponse } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";
import { seedAlert, type SeedAlert } from "./support/seed-alerts.js";

const PASSWORDS = { chief: "chỉ huy tỉnh trực ban 1", "sup.a": "giám sát huyện A 2024", "sup.b": "giám sát huyện B 2024", "op.a": "trực ban huyện A 2024" } as const;
type Who = keyof typeof PASSWORDS | "admin";

// The morning shift of 23/11/2026: 06:00–14:00 Vietnam time = 22/11 23:00Z – 23/11 07:00Z.
const SHIFT = { date: "2026-11-23", shift: "06-14" } as const;
const START = Date.parse("2026-11-22T23:00:00Z");

let h: AlertsHarness;
let mqtt: MqttClient;
const tokens = {} as Record<Who, string>;
let huyenAEntry = "";

/**
 * cam-a: huyen-a; cam-a1: xa-a1 (below huyen-a); cam-b: huyen-b; cam-root: the province; cam-ghost:
 * a camera nobody registered (its alerts only the province sees).
 */
const SEEDS: Array<Omit<SeedAlert, "watchlistId"> & { watchlist?: "huyen-a" }> = [
  /* 1 */ { camera: "cam-a", type: "fire", severity: "critical", raisedMin: 10, ackS: 30, resolveS: 300, reason: "true_hit" },
  /* 2 */ { camera: "cam-a", type: "smoke", severity: "high", raisedMin: 20, ackS: 90, resolveS: 600, reason: "false_alarm" },
  /* 3 */ { camera: "cam-a1", type: "watchlist_hit", severity: "high", raisedMin: 30, ackS: 60 },
  /* 4 */ { camera: "cam-a1", type: "fire", severity: "critical", raisedMin: 40, escalated: true },
  /* 5 */ { camera: "cam-b", type: "camera_offline", severity: "high", raisedMin: 50, resolveS: 1245 }, // closed by the system, no reason
  /* 6 */ { camera: "cam-b", type: "fire", severity: "critical", raisedMin: 60, ackS: 10, resolveS: 45, reason: "false_alarm" },
  /* 7 */ { camera: "cam-root", type: "watchlist_hit", severity: "medium", raisedMin: 70, ackS: 120, resolveS: 240, reason: "duplicate" },
  // Read at huyen-b's camera 2 h before the shift, hit on huyen-a's entry added during it: both districts see it.
  /* 8 */ { camera: "cam-b", type: "watchlist_hit", severity: "high", raisedMin: 80, tsMin: -120, ackS: 20, watchlist: "huyen-a" },
  /* 9 */ { camera: "cam-ghost", type: "fire", severity: "critical", raisedMin: 90 },
  // Outside the shift: the minute before it began, and the minute it ended (the window is [from, to)).
  { camera: "cam-a", type: "fire", severity: "critical", raisedMin: -1, ackS: 5 },
  { camera: "cam-a", type: "fire", severity: "critical", raisedMin: 480, ackS: 5 },
];

const report = (who: Who, query: string) => api<ShiftReportResponse>(h.base, "GET", `/api/v1/reports/shift?${query}`, { token: tokens[who] });
const shiftQuery = (unitId?: string) => `date=${SHIFT.date}&shift=${SHIFT.shift}${unitId ? `&unitId=${unitId}` : ""}`;
const figures = (f: Partial<ShiftFigures>): ShiftFigures => ({
  raised: 0, acknowledged: 0, resolved: 0, open: 0, escalated: 0, falseAlarms: 0,
  ackP50S: null, ackP95S: null, resolveP50S: null, resolveP95S: null, falseAlarmShare: null, ...f,
});

beforeAll(async () => {
  h = await startAlertsHarness("shift-report", { alertCooldownMs: 0 });
  mqtt = await connectTestMqtt();
  tokens.admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  const admin = (method: string, path: string, body: unknown) => api(h.base, method, path, { token: tokens.admin, body });
  for (const u of [{ id: "huyen-a", name: "Công an huyện A" }, { id: "xa-a1", name: "Công an xã A1", parentId: "huyen-a" }, { id: "huyen-b", name: "Công an huyện B" }]) {
    expect((await admin("POST", "/api/v1/units", u)).status).toBe(201);
  }
  for (const [id, unitId] of [["cam-a", "huyen-a"], ["cam-a1", "xa-a1"], ["cam-b", "huyen-b"], ["cam-root", undefined]] as const) {
    const res = await admin("POST", "/api/v1/cameras", { id, name: `Camera ${id}`, url: `rtsp://127.0.0.1:8554/${id}`, lat: 21.03, lon: 105.85, ...(unitId ? { unitId } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  for (const [username, role, unitId] of [["chief", "supervisor", undefined], ["sup.a", "supervisor", "huyen-a"], ["sup.b", "supervisor", "huyen-b"], ["op.a", "operator", "huyen-a"]] as const) {
    expect((await admin("POST", "/api/v1/users", { username, password: PASSWORDS[username], role, ...(unitId ? { unitId } : {}) })).status).toBe(201);
    tokens[username] = (await login(h.base, username, PASSWORDS[username])).token;
  }
  const entry = await admin("POST", "/api/v1/watchlist", { plate: "30A99999", reason: "xe bị truy tìm", unitId: "huyen-a" });
  expect(entry.status).toBe(201);
  huyenAEntry = (entry.body as { entry: { id: string } }).entry.id;
  for (const { watchlist, ...s } of SEEDS) await seedAlert(h.db, START, { ...s, ...(watchlist ? { watchlistId: huyenAEntry } : {}) });
  // A system alert in the shift: for admins only, never in a unit's report.
  await h.db.query("INSERT INTO alerts (id, type, severity, camera_id, ts, raised_at, state, system_code, subject) VALUES ($1, 'system', 'high', 'vigil-system', $2, $2, 'new', 'account_locked', 'x')", [randomUUID(), new Date(START + 5 * 60_000).toISOString()]);
}, 60_000);

afterAll(async () => {
  await mqtt?.endAsync();
  await h?.close();
});

describe("shift report", () => {
  it("a district's morning shift: its alerts and its commune's, and a hit on its watchlist entry at another district's camera", async () => {
    const { status, body } = await report("sup.a", shiftQuery());
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ unitId: "huyen-a", from: "2026-11-22T23:00:00.000Z", to: "2026-11-23T07:00:00.000Z", shift: { date: SHIFT.date, name: SHIFT.shift } });
    // Alerts 1, 2, 3, 4, 8. Acknowledged after 30, 90, 60, 20 s → [20, 30, 60, 90]: p50 = (30+60)/2 = 45,
    // p95 at rank 0.95·3 = 2.85 → 60 + 0.85·30 = 85.5. Resolved after 300, 600 s: p50 450, p95 300 + 0.95·300 = 585.
    expect(body.totals).toEqual(figures({ raised: 5, acknowledged: 4, resolved: 2, open: 3, escalated: 1, falseAlarms: 1, ackP50S: 45, ackP95S: 85.5, resolveP50S: 450, resolveP95S: 585, falseAlarmShare: 0.5 }));
    expect(body.byType).toEqual([
      // 3 and 8: [20, 60] → p50 40, p95 20 + 0.95·40 = 58.
      { type: "watchlist_hit", ...figures({ raised: 2, acknowledged: 2, open: 2, ackP50S: 40, ackP95S: 58 }) },
      { type: "fire", ...figures({ raised: 2, acknowledged: 1, resolved: 1, open: 1, escalated: 1, ackP50S: 30, ackP95S: 30, resolveP50S: 300, resolveP95S: 300, falseAlarmShare: 0 }) },
      { type: "smoke", ...figures({ raised: 1, acknowledged: 1, resolved: 1, falseAlarms: 1, ackP50S: 90, ackP95S: 90, resolveP50S: 600, resolveP95S: 600, falseAlarmShare: 1 }) },
    ]);
    expect(body.bySeverity.map((s) => [s.severity, s.raised])).toEqual([["critical", 2], ["high", 3]]);
    // The commune: alerts 3 and 4.
    expect(body.units).toEqual([{ unitId: "xa-a1", name: "Công an xã A1", ...figures({ raised: 2, acknowledged: 1, open: 2, escalated: 1, ackP50S: 60, ackP95S: 60 }) }]);
  });

  it("the other district: its own alerts and the shared hit; never the first district's", async () => {
    const { body } = await report("sup.b", shiftQuery());
    // Alerts 5, 6, 8. Acknowledged [10, 20]: p50 15, p95 10 + 0.95·10 = 19.5. Resolved [45, 1245]: p50 645, p95 45 + 0.95·1200 = 1185.
    expect(body.totals).toEqual(figures({ raised: 3, acknowledged: 2, resolved: 2, open: 1, falseAlarms: 1, ackP50S: 15, ackP95S: 19.5, resolveP50S: 645, resolveP95S: 1185, falseAlarmShare: 0.5 }));
    expect(body.byType.map((t) => [t.type, t.raised])).toEqual([["watchlist_hit", 1], ["fire", 1], ["camera_offline", 1]]);
    expect(body.units).toEqual([]);
  });

  it("the province: everything of its units, its own cameras' and unregistered cameras' alerts; each district below", async () => {
    const { body } = await report("chief", shiftQuery());
    expect(body.unitId).toBe("root");
    // Alerts 1–9. Acknowledged [10, 20, 30, 60, 90, 120]: p50 at rank 2.5 = 45, p95 at 4.75 = 90 + 0.75·30 = 112.5.
    // Resolved [45, 240, 300, 600, 1245]: p50 300, p95 at rank 3.8 = 600 + 0.8·645 = 1116. False alarms 2 of 5.
    expect(body.totals).toEqual(figures({ raised: 9, acknowledged: 6, resolved: 5, open: 4, escalated: 1, falseAlarms: 2, ackP50S: 45, ackP95S: 112.5, resolveP50S: 300, resolveP95S: 1116, falseAlarmShare: 0.4 }));
    expect(body.bySeverity.map((s) => [s.severity, s.raised])).toEqual([["critical", 4], ["high", 4], ["medium", 1]]);
    // Alert 8 counts for both districts.
    expect(body.units.map((u) => [u.unitId, u.raised, u.ackP50S, u.resolveP95S])).toEqual([["huyen-a", 5, 45, 585], ["huyen-b", 3, 15, 1185]]);
    // An admin gets the same, and may ask for any unit.
    expect((await report("admin", shiftQuery())).body.totals).toEqual(body.totals);
    expect((await report("admin", shiftQuery("huyen-b"))).body.totals.raised).toBe(3);
    expect((await report("chief", shiftQuery("xa-a1"))).body.totals.raised).toBe(2);
  });

  it("a from/to window reads the same alerts by when they were raised", async () => {
    // 06:25–07:00 Vietnam time: alerts 3 (06:30), 4 (06:40), 5 (06:50); 6 was raised at 07:00, the window's end.
    const { body } = await report("chief", `from=${encodeURIComponent("2026-11-23T06:25:00+07:00")}&to=${encodeURIComponent("2026-11-23T07:00:00+07:00")}`);
    expect(body).toMatchObject({ from: "2026-11-22T23:25:00.000Z", to: "2026-11-23T00:00:00.000Z", shift: null });
    expect(body.totals).toMatchObject({ raised: 3, escalated: 1, resolved: 1, resolveP50S: 1245 });
    // The previous night shift holds only the alert of 05:59.
    expect((await report("chief", "date=2026-11-22&shift=22-06")).body.totals).toMatchObject({ raised: 1, acknowledged: 1, ackP50S: 5 });
  });

  it("without a window: the shift running now", async () => {
    const before = shiftAt(Date.now());
    const { status, body } = await report("sup.a", "");
    expect(status).toBe(200);
    const after = shiftAt(Date.now());
    expect([before, after].map((s) => `${s.date} ${s.shift}`)).toContain(`${body.shift!.date} ${body.shift!.name}`);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(8 * 3_600_000);
  });

  it("refuses operators, units outside the caller's scope (before saying whether they exist), bad windows", async () => {
    expect((await report("op.a", shiftQuery())).status).toBe(403);
    expect((await report("sup.a", shiftQuery("huyen-b"))).status).toBe(403);
    expect((await report("sup.a", shiftQuery("root"))).status).toBe(403);
    expect((await report("sup.a", shiftQuery("khong-co"))).status).toBe(403);
    expect((await report("chief", shiftQuery("khong-co"))).status).toBe(404);
    expect((await report("sup.a", "date=2026-11-23")).status).toBe(400);
    expect((await report("sup.a", "date=2026-11-23&shift=08-16")).status).toBe(400);
    expect((await report("sup.a", `from=${encodeURIComponent("2026-11-23T14:00:00Z")}&to=${encodeURIComponent("2026-11-23T06:00:00Z")}`)).status).toBe(400);
    expect((await api(h.base, "GET", `/api/v1/reports/shift?${shiftQuery()}`)).status).toBe(401);
  });

  it("reads what the service writes: an alert raised over MQTT, acknowledged and resolved through the API", async () => {
    const from = new Date(Date.now() - 1_000).toISOString();
    const event = { schemaVersion: 1, id: randomUUID(), cameraId: "cam-a1", ts: new Date().toISOString(), kind: "fire", confidence: 0.9, boxes: [], confirmedFrames: 3 };
    await mqtt.publishAsync(`${h.prefix}/events/fire`, JSON.stringify(event), { qos: 1 });
    let alert: Alert | undefined;
    await waitUntil(async () => {
      alert = (await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts?limit=50", { token: tokens["op.a"] })).body.items.find((a) => a.eventId === event.id);
      return !!alert;
    }, 10_000, "the fire alert");
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await api(h.base, "POST", `/api/v1/alerts/${alert!.id}/ack`, { token: tokens["op.a"], body: {} })).status).toBe(200);
    const acked = Date.now();
    await new Promise((r) => setTimeout(r, 800));
    expect((await api(h.base, "POST", `/api/v1/alerts/${alert!.id}/resolve`, { token: tokens["sup.a"], body: { reason: "false_alarm", note: "khói bếp" } })).status).toBe(200);
    const resolved = Date.now();
    const raisedAt = Date.parse(alert!.raisedAt!);
    const window = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const { body } = await report("sup.a", `${window}&unitId=xa-a1`);
    expect(body.totals).toMatchObject({ raised: 1, acknowledged: 1, resolved: 1, open: 0, falseAlarms: 1, falseAlarmShare: 1 });
    // Within a tenth of a second (the rounding) of what the clock here saw.
    expect(body.totals.ackP50S!).toBeGreaterThanOrEqual(1.1);
    expect(body.totals.ackP50S!).toBeLessThanOrEqual((acked - raisedAt) / 1000 + 0.1);
    expect(body.totals.resolveP50S!).toBeGreaterThanOrEqual(body.totals.ackP50S! + 0.7);
    expect(body.totals.resolveP50S!).toBeLessThanOrEqual((resolved - raisedAt) / 1000 + 0.1);
    // The other district never sees it.
    expect((await report("sup.b", window)).body.totals.raised).toBe(0);
  });

  it("is in the OpenAPI document with its query", async () => {
    const { body } = await api<{ paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> }>(h.base, "GET", "/api/docs/json", { token: tokens.admin });
    const params = body.paths["/api/v1/reports/shift"]?.get?.parameters?.map((p) => p.name).sort();
    expect(params).toEqual(["date", "from", "shift", "to", "unitId"]);
  });
});
