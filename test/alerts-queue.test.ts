import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { createLogger } from "@vigil/contracts/node";
import { startAlerts, type AlertsService } from "@vigil/alerts";
import type { Alert, AlertHistoryEntry } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

// Alarms as a queue, against the real alert service, PostgreSQL and Mosquitto: a condition that
// continues is one alert with a count, a resolved one that comes back is a new alert, evidence is
// kept as a list, the REST list is ordered as a queue, and a restart does not duplicate an alert.
let h: AlertsHarness;
let mqtt: MqttClient;
let admin: string;
let operator: string;
let supervisor: string;
/** The instance started by the restart test; the harness closes only the one it started. */
let restarted: AlertsService | null = null;

const publishPlate = (body: unknown) => mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(body), { qos: 1 });
const publishFire = (body: unknown) => mqtt.publishAsync(`${h.prefix}/events/fire`, JSON.stringify(body), { qos: 1 });
const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const listAlerts = async (query = "") => (await api<{ items: Alert[] }>(h.base, "GET", `/api/v1/alerts?limit=500${query}`, { token: admin })).body.items;
const alertsOf = async (pred: (a: Alert) => boolean) => (await listAlerts()).filter(pred);
const detail = async (id: string) => (await api<{ alert: Alert; history: AlertHistoryEntry[] }>(h.base, "GET", `/api/v1/alerts/${id}`, { token: admin })).body;
const watch = async (plate: string, priority = "critical") => {
  const res = await api<{ entry: { id: string } }>(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate, reason: "queue test", priority } });
  expect(res.status).toBe(201);
  return res.body.entry.id;
};
const readsStored = (ids: string[]) =>
  waitUntil(async () => (await h.db.query("SELECT 1 FROM plate_reads WHERE id = ANY($1)", [ids])).rows.length === ids.length, 10_000, "reads stored");

beforeAll(async () => {
  h = await startAlertsHarness("queue");
  mqtt = await connectTestMqtt();
  admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  for (const role of ["operator", "supervisor"] as const) {
    await api(h.base, "POST", "/api/v1/users", { token: admin, body: { username: role, password: `${role[0]}-test-secret-1`, role } });
  }
  operator = (await login(h.base, "operator", "o-test-secret-1")).token;
  supervisor = (await login(h.base, "supervisor", "s-test-secret-1")).token;
});

afterAll(async () => {
  await mqtt?.endAsync();
  await restarted?.close();
  await h?.close();
});

describe("a wanted vehicle seen again", () => {
  const reads = [
    plateEvent({ plate: "51G24680", display: "51G-246.80", cameraId: "cam-1", ts: secondsAgo(30), snapshot: "/media/q/1.jpg", crop: "/media/q/1-crop.jpg" }),
    plateEvent({ plate: "51G24680", display: "51G-246.80", cameraId: "cam-2", ts: secondsAgo(20), snapshot: "/media/q/2.jpg", crop: "/media/q/2-crop.jpg" }),
    plateEvent({ plate: "51G24680", display: "51G-246.80", cameraId: "cam-1", ts: secondsAgo(10), snapshot: "/media/q/3.jpg", crop: "/media/q/3-crop.jpg" }),
  ];
  let entryId = "";
  let alertId = "";

  it("three reads of one wanted plate are one alert × 3, last seen at the third, with every picture and a history line each", async () => {
    entryId = await watch("51G-246.80");
    for (const r of reads) await publishPlate(r);
    await publishPlate(reads[1]); // a redelivery counts nothing
    await readsStored(reads.map((r) => r.id));
    await waitUntil(async () => (await alertsOf((a) => a.watchlistId === entryId))[0]?.occurrences === 3, 10_000, "three occurrences");
    await new Promise((r) => setTimeout(r, 300));
    const [alert, ...others] = await alertsOf((a) => a.watchlistId === entryId);
    expect(others).toEqual([]);
    alertId = alert!.id;
    expect(alert).toMatchObject({ state: "new", occurrences: 3, ts: reads[0]!.ts, lastSeenAt: reads[2]!.ts, cameraId: "cam-1", snapshot: "/media/q/3.jpg", eventId: reads[0]!.id });
    expect(alert!.evidence!.map((e) => [e.snapshot, e.crop, e.cameraId])).toEqual([
      ["/media/q/1.jpg", "/media/q/1-crop.jpg", "cam-1"],
      ["/media/q/2.jpg", "/media/q/2-crop.jpg", "cam-2"],
      ["/media/q/3.jpg", "/media/q/3-crop.jpg", "cam-1"],
    ]);
    const { history } = await detail(alertId);
    expect(history.map((x) => [x.kind ?? "state", x.occurrence ?? null, x.cameraId ?? null])).toEqual([["state", null, null], ["occurrence", 2, "cam-2"], ["occurrence", 3, "cam-1"]]);
    expect((await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM alerts WHERE plate = '51G24680'")).rows[0]!.n).toBe(1);
  });

  it("acknowledged, it still counts; resolved, the next read is a new alert and the closed one keeps its history", async () => {
    expect((await api(h.base, "POST", `/api/v1/alerts/${alertId}/ack`, { token: operator, body: { note: "tổ tuần tra 3 đang tới" } })).status).toBe(200);
    const fourth = plateEvent({ plate: "51G24680", display: "51G-246.80", cameraId: "cam-3", ts: secondsAgo(5) });
    await publishPlate(fourth);
    await waitUntil(async () => (await detail(alertId)).alert.occurrences === 4, 10_000, "the fourth occurrence");
    expect((await detail(alertId)).alert.state).toBe("acknowledged");
    const res = await api(h.base, "POST", `/api/v1/alerts/${alertId}/resolve`, { token: supervisor, body: { reason: "true_hit", note: "đã dừng xe, bàn giao đội điều tra" } });
    expect(res.status).toBe(200);
    const fifth = plateEvent({ plate: "51G24680", display: "51G-246.80", cameraId: "cam-2", ts: new Date().toISOString() });
    await publishPlate(fifth);
    await waitUntil(async () => (await alertsOf((a) => a.watchlistId === entryId)).length === 2, 10_000, "a new alert");
    const fresh = (await alertsOf((a) => a.watchlistId === entryId && a.id !== alertId))[0]!;
    expect(fresh).toMatchObject({ state: "new", occurrences: 1, eventId: fifth.id, cameraId: "cam-2" });
    const closed = await detail(alertId);
    expect(closed.alert).toMatchObject({ state: "resolved", occurrences: 4, resolveReason: "true_hit" });
    const lines = closed.history.map((x) => [x.state, x.kind ?? "state", x.by, x.note, x.reason ?? null]);
    expect(lines).toEqual([
      ["new", "state", null, null, null],
      ["new", "occurrence", null, null, null],
      ["new", "occurrence", null, null, null],
      ["acknowledged", "state", "operator", "tổ tuần tra 3 đang tới", null],
      ["acknowledged", "occurrence", null, null, null],
      ["resolved", "state", "supervisor", "đã dừng xe, bàn giao đội điều tra", "true_hit"],
    ]);
    const log = await api<{ items: AlertHistoryEntry[] }>(h.base, "GET", `/api/v1/alerts/${alertId}/history`, { token: operator });
    expect(log.body.items).toEqual(closed.history);
    expect((await api(h.base, "GET", `/api/v1/alerts/${crypto.randomUUID()}/history`, { token: operator })).status).toBe(404);
    // The alert carries the same history to consoles (acknowledge note included after the resolve).
    expect(closed.alert.history!.map((x) => [x.state, x.kind ?? "state", x.note])).toEqual(lines.map(([state, kind, , note]) => [state, kind, note]));
  });

  it("after a restart, redelivered reads raise nothing: neither the closed alert's nor the open one's", async () => {
    await h.service.close();
    restarted = await startAlerts({ config: h.config, logger: createLogger({ name: "queue-restart", level: "silent" }), db: h.db });
    h.base = restarted.url;
    admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    const before = await alertsOf((a) => a.watchlistId === entryId);
    await publishPlate(reads[0]); // raised the resolved alert
    await publishPlate(reads[2]); // an occurrence of it
    const fresh = before.find((a) => a.state === "new")!;
    const again = plateEvent({ id: fresh.eventId, plate: "51G24680", display: "51G-246.80", cameraId: "cam-2", ts: fresh.ts });
    await publishPlate(again);
    const marker = plateEvent({ plate: "99Z99999", display: "99Z-999.99" });
    await publishPlate(marker);
    await readsStored([marker.id]);
    await new Promise((r) => setTimeout(r, 500));
    const after = await alertsOf((a) => a.watchlistId === entryId);
    expect(after.map((a) => [a.id, a.occurrences]).sort()).toEqual(before.map((a) => [a.id, a.occurrences]).sort());
  });
});

describe("a fire that keeps burning", () => {
  const fire = { schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-7", kind: "fire", confidence: 0.9, boxes: [{ bbox: [0.1, 0.1, 0.2, 0.2], confidence: 0.9 }], confirmedFrames: 3 };

  it("revisions count on its alert and keep every picture; resolved while burning, the next revision raises a new alert", async () => {
    await publishFire({ ...fire, ts: secondsAgo(30), revision: 0, snapshot: "/media/fire/cam-7/r0.jpg" });
    await waitUntil(async () => (await alertsOf((a) => a.eventId === fire.id)).length === 1, 10_000, "the fire alert");
    await publishFire({ ...fire, ts: secondsAgo(20), revision: 1, snapshot: "/media/fire/cam-7/r1.jpg" });
    await waitUntil(async () => (await alertsOf((a) => a.eventId === fire.id))[0]?.occurrences === 2, 10_000, "the revision counted");
    const [first] = await alertsOf((a) => a.eventId === fire.id);
    expect(first).toMatchObject({ snapshot: "/media/fire/cam-7/r1.jpg", severity: "critical" });
    expect(first!.evidence!.map((e) => e.snapshot)).toEqual(["/media/fire/cam-7/r0.jpg", "/media/fire/cam-7/r1.jpg"]);

    expect((await api(h.base, "POST", `/api/v1/alerts/${first!.id}/resolve`, { token: supervisor, body: { reason: "true_hit", note: "đã báo PCCC" } })).status).toBe(200);
    await publishFire({ ...fire, ts: secondsAgo(5), revision: 45, snapshot: "/media/fire/cam-7/r45.jpg" });
    await waitUntil(async () => (await alertsOf((a) => a.eventId === fire.id)).length === 2, 10_000, "a new fire alert");
    const fresh = (await alertsOf((a) => a.eventId === fire.id && a.id !== first!.id))[0]!;
    expect(fresh).toMatchObject({ state: "new", type: "fire", occurrences: 1, snapshot: "/media/fire/cam-7/r45.jpg" });
    // The closed alert was not edited in place.
    const closed = (await detail(first!.id)).alert;
    expect(closed).toMatchObject({ state: "resolved", occurrences: 2, snapshot: "/media/fire/cam-7/r1.jpg" });
    expect(closed.evidence).toHaveLength(2);
  });
});

describe("the REST list is a queue", () => {
  it("orders by state, severity and latest sighting; a retroactive hit by when it was raised", async () => {
    const old = plateEvent({ plate: "29B13579", display: "29B-135.79", cameraId: "cam-4", ts: new Date(Date.now() - 3 * 3_600_000).toISOString() });
    await publishPlate(old);
    await readsStored([old.id]);
    await watch("30K-555.55");
    const live = plateEvent({ plate: "30K55555", display: "30K-555.55", ts: secondsAgo(2) });
    await publishPlate(live);
    await waitUntil(async () => (await alertsOf((a) => a.eventId === live.id)).length === 1, 10_000, "the live hit");
    const added = await api<{ pastHits: number }>(h.base, "POST", "/api/v1/watchlist", { token: supervisor, body: { plate: "29B-135.79", reason: "retro", priority: "critical" } });
    expect(added.body.pastHits).toBe(1);
    const queue = await listAlerts();
    const pos = (eventId: string) => queue.findIndex((a) => a.eventId === eventId);
    const retro = queue[pos(old.id)]!;
    expect(Date.parse(retro.raisedAt!)).toBeGreaterThan(Date.parse(old.ts) + 3_000_000);
    expect(pos(old.id)).toBeLessThan(pos(live.id));
    // State first, then severity: every new alert comes before every acknowledged and resolved one.
    const ranks = queue.map((a) => ["new", "acknowledged", "resolved"].indexOf(a.state));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    const newOnes = queue.filter((a) => a.state === "new").map((a) => ["low", "medium", "high", "critical"].indexOf(a.severity));
    expect([...newOnes].sort((a, b) => b - a)).toEqual(newOnes);
    // order=newest keeps the old by-ts list.
    const newest = await listAlerts("&order=newest");
    expect(newest.findIndex((a) => a.eventId === live.id)).toBeLessThan(newest.findIndex((a) => a.eventId === old.id));
  });
});
