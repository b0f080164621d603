import { describe, expect, it } from "vitest";
import type { Alert, AlertHistoryEntry, FireEvent, PlateEvent, WatchlistEntry } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createAlertsMetrics } from "../metrics.js";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import { createAlertService } from "./alert-service.js";

/** The alert service over an in-memory repository (shared by a "restarted" service when passed in). */
function setUp(resolvedListener?: (a: Alert) => Promise<unknown>, opts: { stored?: Map<string, Alert>; now?: () => number; saveDelayMs?: number } = {}) {
  const stored = opts.stored ?? new Map<string, Alert>();
  const logged: AlertHistoryEntry[] = [];
  const repo: AlertsRepository = {
    async save(alert, history) {
      if (opts.saveDelayMs) await new Promise((r) => setTimeout(r, opts.saveDelayMs));
      stored.set(alert.id, alert);
      logged.push(...history);
    },
    get: async (id) => stored.get(id) ?? null,
    history: async () => [],
    list: async () => [...stored.values()],
    listOpenSince: async (since) => [...stored.values()].filter((a) => a.state !== "resolved" || a.ts >= since),
    markEscalated: async () => false,
    async setClip(id, clip, clipSha256) {
      const a = stored.get(id);
      if (a) stored.set(id, { ...a, clip, clipSha256 });
      return !!a;
    },
  };
  const pushed: { kind: "new" | "update"; alert: Alert }[] = [];
  const resolved: Alert[] = [];
  const service = createAlertService({
    alerts: repo,
    notifier: { alertNew: (alert) => pushed.push({ kind: "new", alert }), alertUpdate: (alert) => pushed.push({ kind: "update", alert }) },
    cooldownMs: 300_000,
    logger: createLogger({ name: "t", level: "silent" }),
    metrics: createAlertsMetrics(),
    resolved: { alertResolved: resolvedListener ?? (async (a) => void resolved.push(a)) },
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { service, stored, pushed, resolved, logged };
}

const smoke = (over: Partial<FireEvent> = {}): FireEvent => ({
  schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-1", ts: new Date().toISOString(), kind: "smoke", confidence: 0.8,
  boxes: [{ bbox: [0.2, 0.1, 0.3, 0.4], confidence: 0.8 }], confirmedFrames: 4, ...over,
});

describe("possible smoke alerts", () => {
  it("raise low and possible; the same event confirmed upgrades the alert in place", async () => {
    const { service, stored, pushed } = setUp();
    const first = smoke({ possible: true, snapshot: "/media/f/1.jpg" });
    const raised = await service.onFireEvent(first);
    expect(raised).toMatchObject({ type: "smoke", severity: "low", possible: true, boxes: first.boxes, snapshot: "/media/f/1.jpg" });
    expect(await service.onFireEvent({ ...first, revision: 1, possible: true })).toMatchObject({ severity: "low", possible: true });
    const confirmed = await service.onFireEvent({ ...first, revision: 2, possible: false, snapshot: "/media/f/2.jpg" });
    expect(confirmed).toMatchObject({ id: raised!.id, severity: "high", possible: false, snapshot: "/media/f/2.jpg" });
    expect(stored.get(raised!.id)).toMatchObject({ severity: "high", possible: false });
    expect(pushed.map((p) => [p.kind, p.alert.severity])).toEqual([["new", "low"], ["update", "low"], ["update", "high"]]);
  });

  it("a confirmed smoke from another event on the camera confirms the covering possible alert instead of vanishing", async () => {
    const { service, stored } = setUp();
    const possible = await service.onFireEvent(smoke({ possible: true }));
    // Another event on the camera within the cooldown: the same smoke, seen again.
    expect(await service.onFireEvent(smoke({ possible: true }))).toMatchObject({ id: possible!.id, occurrences: 2, severity: "low", possible: true });
    const confirmed = await service.onFireEvent(smoke({ possible: false, confidence: 0.9 }));
    expect(confirmed).toMatchObject({ id: possible!.id, eventId: possible!.eventId, severity: "high", possible: false, occurrences: 3 });
    expect(stored.size).toBe(1);
    // A weaker event later never lowers the alert; it only counts.
    expect(await service.onFireEvent(smoke({ kind: "smoke", confidence: 0.2 }))).toMatchObject({ id: possible!.id, severity: "high", possible: false, occurrences: 4 });
  });

  it("resolved while only possible, then confirmed: a fresh alert", async () => {
    const { service } = setUp();
    const event = smoke({ possible: true });
    const possible = await service.onFireEvent(event);
    await service.resolve(possible!.id, "sup", "looks like steam", "false_alarm");
    const fresh = await service.onFireEvent({ ...event, revision: 3, possible: false });
    expect(fresh).toMatchObject({ state: "new", severity: "high", eventId: event.id });
    expect(fresh!.id).not.toBe(possible!.id);
    expect(fresh).not.toHaveProperty("possible");
  });
});

describe("saving", () => {
  it("a change made while the previous save is still being written is saved too, promptly", async () => {
    const { service, stored } = setUp(undefined, { saveDelayMs: 30 });
    const [alert] = service.onWatchlistMatches(read(), exact).raised;
    const started = Date.now();
    await service.acknowledge(alert!.id, "op", "đang xử lý");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(stored.get(alert!.id)).toMatchObject({ state: "acknowledged", note: "đang xử lý" });
  });
});

describe("resolve reasons", () => {
  it("are kept on the alert (default other) and passed to the listener", async () => {
    const { service, resolved } = setUp();
    const a = await service.onFireEvent(smoke());
    const b = await service.onFireEvent(smoke({ cameraId: "cam-2" }));
    expect(await service.resolve(a!.id, "sup", "steam", "false_alarm")).toMatchObject({ state: "resolved", resolveReason: "false_alarm", note: "steam", updatedBy: "sup" });
    expect(await service.resolve(b!.id, "sup", "old client")).toMatchObject({ resolveReason: "other" });
    expect(resolved.map((r) => r.resolveReason)).toEqual(["false_alarm", "other"]);
  });

  it("a failing listener never fails the resolve", async () => {
    const { service } = setUp(async () => {
      throw new Error("disk full");
    });
    const a = await service.onFireEvent(smoke());
    await expect(service.resolve(a!.id, "sup", "x", "false_alarm")).resolves.toMatchObject({ state: "resolved" });
  });
});

const ENTRY: WatchlistEntry = { id: "3a7c9e1f-2b4d-4f6a-8c0e-1d3f5a7b9c2e", plate: "30A99999", display: "30A-999.99", reason: "stolen", priority: "critical", expiresAt: null, createdAt: "2026-05-01T00:00:00.000Z", createdBy: "sup" };
const read = (over: Partial<PlateEvent> = {}): PlateEvent => ({
  schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-1", ts: new Date().toISOString(), plate: "30A99999", display: "30A-999.99", rows: 1,
  confidence: 0.9, bbox: [0.1, 0.1, 0.2, 0.1], frames: 4, ...over,
});
const exact = [{ entry: ENTRY, kind: "exact" as const, score: 1 }];

describe("a wanted vehicle seen again", () => {
  it("is one open alert with a count, the last time seen and every picture, whatever camera saw it", async () => {
    const { service, stored, pushed } = setUp();
    const t0 = Date.now();
    const reads = [0, 300, 600].map((s, i) => read({ ts: new Date(t0 + s * 1000).toISOString(), cameraId: `cam-${i + 1}`, snapshot: `/media/r${i}.jpg`, crop: `/media/r${i}-crop.jpg` }));
    for (const r of reads) await service.onWatchlistMatches(r, exact).stored;
    expect(stored.size).toBe(1);
    const [alert] = [...stored.values()];
    expect(alert).toMatchObject({ occurrences: 3, ts: reads[0]!.ts, lastSeenAt: reads[2]!.ts, cameraId: "cam-1", snapshot: "/media/r2.jpg", eventId: reads[0]!.id });
    expect(alert!.evidence!.map((e) => [e.snapshot, e.crop, e.cameraId])).toEqual(reads.map((_, i) => [`/media/r${i}.jpg`, `/media/r${i}-crop.jpg`, `cam-${i + 1}`]));
    expect(alert!.history!.map((h) => [h.kind ?? "state", h.occurrence ?? null, h.cameraId ?? null])).toEqual([["state", null, null], ["occurrence", 2, "cam-2"], ["occurrence", 3, "cam-3"]]);
    expect(pushed.map((p) => p.kind)).toEqual(["new", "update", "update"]);
    // A redelivered read counts nothing.
    expect(service.onWatchlistMatches(reads[1]!, exact).raised).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
    expect(stored.get(alert!.id)!.occurrences).toBe(3);
  });

  it("reads arriving together are each counted (none lost to a concurrent update)", async () => {
    const { service, stored } = setUp();
    const ts = new Date().toISOString();
    const results = [read({ ts }), read({ ts }), read({ ts, cameraId: "cam-2" }), read({ ts })].map((r) => service.onWatchlistMatches(r, exact).stored);
    await Promise.all(results);
    expect(stored.size).toBe(1);
    expect([...stored.values()][0]!.occurrences).toBe(4);
  });

  it("counts on an acknowledged alert too; after a resolve the next read raises a new alert", async () => {
    const { service, stored, logged } = setUp();
    const [first] = service.onWatchlistMatches(read(), exact).raised;
    await service.acknowledge(first!.id, "op", "tổ 3 đang tới");
    await service.onWatchlistMatches(read(), exact).stored;
    expect(stored.get(first!.id)).toMatchObject({ state: "acknowledged", occurrences: 2 });
    await service.resolve(first!.id, "sup", "đã dừng xe", "true_hit");
    const again = service.onWatchlistMatches(read(), exact);
    await again.stored;
    expect(again.raised).toHaveLength(1);
    expect(again.raised[0]).toMatchObject({ state: "new", occurrences: 1 });
    expect(stored.get(first!.id)).toMatchObject({ state: "resolved", occurrences: 2 });
    // The closed alert's history keeps the acknowledgement's note and the resolve's reason.
    expect(stored.get(first!.id)!.history!.map((h) => [h.state, h.kind ?? "state", h.by, h.note, h.reason ?? null])).toEqual([
      ["new", "state", null, null, null],
      ["acknowledged", "state", "op", "tổ 3 đang tới", null],
      ["acknowledged", "occurrence", null, null, null],
      ["resolved", "state", "sup", "đã dừng xe", "true_hit"],
    ]);
    expect(logged.filter((h) => h.kind === "occurrence")).toHaveLength(1);
  });

  it("an exact read of a vehicle first seen as a look-alike makes the alert exact and as severe", async () => {
    const { service, stored } = setUp();
    await service.onWatchlistMatches(read({ plate: "30A9999B" }), [{ entry: ENTRY, kind: "fuzzy", score: 0.93 }]).stored;
    expect([...stored.values()][0]).toMatchObject({ matchKind: "fuzzy", severity: "high" });
    await service.onWatchlistMatches(read(), exact).stored;
    expect([...stored.values()][0]).toMatchObject({ matchKind: "exact", severity: "critical", occurrences: 2 });
  });

  it("a retroactive hit on old reads is one alert, raised now, last seen at the newest read", async () => {
    const { service, stored } = setUp();
    const hour = 3_600_000;
    const old = [5, 3, 1].map((h) => read({ ts: new Date(Date.now() - h * hour).toISOString() }));
    for (const r of old) await service.onWatchlistMatches(r, exact).stored;
    const [alert] = [...stored.values()];
    expect(alert).toMatchObject({ occurrences: 3, ts: old[0]!.ts, lastSeenAt: old[2]!.ts });
    expect(Date.now() - Date.parse(alert!.raisedAt!)).toBeLessThan(5_000);
  });

  it("after a restart, a redelivered read (first or later) raises nothing and counts nothing", async () => {
    const first = setUp();
    const r1 = read();
    const r2 = read({ cameraId: "cam-2" });
    await first.service.onWatchlistMatches(r1, exact).stored;
    await first.service.onWatchlistMatches(r2, exact).stored;
    const restarted = setUp(undefined, { stored: first.stored });
    await restarted.service.restore();
    for (const r of [r1, r2]) expect(restarted.service.onWatchlistMatches(r, exact).raised).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
    expect(first.stored.size).toBe(1);
    expect([...first.stored.values()][0]!.occurrences).toBe(2);
    // A new read still counts on the restored open alert.
    await restarted.service.onWatchlistMatches(read(), exact).stored;
    expect(first.stored.size).toBe(1);
    expect([...first.stored.values()][0]!.occurrences).toBe(3);
  });

  it("after a restart, a redelivered read of a resolved alert raises nothing (restore builds the watchlist event key with the entry)", async () => {
    const first = setUp();
    const r1 = read();
    const [alert] = first.service.onWatchlistMatches(r1, exact).raised;
    await first.service.resolve(alert!.id, "sup", "xong", "true_hit");
    const restarted = setUp(undefined, { stored: first.stored });
    await restarted.service.restore();
    const again = restarted.service.onWatchlistMatches(r1, exact);
    await again.stored;
    expect(again.raised).toEqual([]);
    expect(first.stored.size).toBe(1);
    // A genuinely new read after the resolve is a new alert.
    expect(restarted.service.onWatchlistMatches(read(), exact).raised).toHaveLength(1);
  });
});

describe("a fire that keeps burning", () => {
  const fire = (over: Partial<FireEvent> = {}): FireEvent => smoke({ kind: "fire", confidence: 0.9, ...over });

  it("revisions count on the open alert and keep every picture (nothing replaced in place)", async () => {
    const { service, stored } = setUp();
    const ev = fire({ revision: 0, snapshot: "/media/f/0.jpg" });
    const raised = await service.onFireEvent(ev);
    for (let rev = 1; rev <= 3; rev++) await service.onFireEvent({ ...ev, revision: rev, ts: new Date(Date.parse(ev.ts) + rev * 10_000).toISOString(), snapshot: `/media/f/${rev}.jpg` });
    // A redelivered revision changes nothing.
    await service.onFireEvent({ ...ev, revision: 2, snapshot: "/media/f/2.jpg" });
    const alert = stored.get(raised!.id)!;
    expect(stored.size).toBe(1);
    expect(alert).toMatchObject({ occurrences: 4, snapshot: "/media/f/3.jpg" });
    expect(alert.evidence!.map((e) => e.snapshot)).toEqual(["/media/f/0.jpg", "/media/f/1.jpg", "/media/f/2.jpg", "/media/f/3.jpg"]);
  });

  it("resolved while still burning: the next revision raises a new alert, the closed one is untouched", async () => {
    const { service, stored, pushed } = setUp();
    const ev = fire({ revision: 0, snapshot: "/media/f/0.jpg" });
    const raised = await service.onFireEvent(ev);
    await service.resolve(raised!.id, "sup", "đã dập", "true_hit");
    const closed = structuredClone(stored.get(raised!.id));
    const fresh = await service.onFireEvent({ ...ev, revision: 45, snapshot: "/media/f/45.jpg" });
    expect(fresh).toMatchObject({ state: "new", eventId: ev.id, occurrences: 1, snapshot: "/media/f/45.jpg" });
    expect(fresh!.id).not.toBe(raised!.id);
    expect(stored.get(raised!.id)).toEqual(closed);
    expect(pushed.filter((p) => p.kind === "new")).toHaveLength(2);
    // Later revisions count on the new alert.
    expect(await service.onFireEvent({ ...ev, revision: 46 })).toMatchObject({ id: fresh!.id, occurrences: 2 });
  });

  it("another event on the camera after a resolve raises a new alert too; after the cooldown, a new alert even if open", async () => {
    let t = Date.now();
    const { service } = setUp(undefined, { now: () => t });
    const a = await service.onFireEvent(fire());
    await service.resolve(a!.id, "sup", "x", "other");
    const b = await service.onFireEvent(fire());
    expect(b!.id).not.toBe(a!.id);
    t += 300_001;
    const c = await service.onFireEvent(fire());
    expect(c!.id).not.toBe(b!.id);
    expect(c!.occurrences).toBe(1);
  });
});

describe("system alerts", () => {
  it("raise one alert per code and subject; a repeat while open counts on it, after resolve raises afresh", async () => {
    const { service, pushed } = setUp();
    const first = await service.raiseSystemAlert({ code: "account_locked", severity: "high", subject: "duty1", reason: "100 failed logins" });
    expect(first).toMatchObject({ type: "system", systemCode: "account_locked", subject: "duty1", severity: "high", cameraId: "vigil-system", state: "new" });
    const again = await service.raiseSystemAlert({ code: "account_locked", severity: "high", subject: "duty1", reason: "100 failed logins" });
    expect(again).toMatchObject({ id: first.id, occurrences: 2 });
    // Another account is another alert.
    const other = await service.raiseSystemAlert({ code: "account_locked", severity: "high", subject: "duty2", reason: "100 failed logins" });
    expect(other.id).not.toBe(first.id);
    await service.resolve(first.id, "admin", "unlocked after a call", "true_hit");
    const afterResolve = await service.raiseSystemAlert({ code: "account_locked", severity: "high", subject: "duty1", reason: "again" });
    expect(afterResolve.id).not.toBe(first.id);
    expect(pushed.filter((p) => p.kind === "new").map((p) => p.alert.subject)).toEqual(["duty1", "duty2", "duty1"]);
  });
});

describe("event clips (#17)", () => {
  it("attach to the alert, are pushed as an update and stored, and a later acknowledgement keeps them", async () => {
    const { service, stored, pushed } = setUp();
    const alert = (await service.onFireEvent(smoke({ kind: "fire" })))!;
    const sha = "a".repeat(64);
    const clip = `/media/cam-1/2026-12-03/${alert.eventId}.mp4`;
    const withClip = await service.attachClip(alert.id, { clip, clipSha256: sha });
    expect(withClip).toMatchObject({ id: alert.id, clip, clipSha256: sha, state: "new" });
    expect(pushed.at(-1)).toMatchObject({ kind: "update", alert: { id: alert.id, clip } });
    expect(stored.get(alert.id)).toMatchObject({ clip, clipSha256: sha });
    // Not a handling change: no history line, no new updatedAt.
    expect(withClip!.history).toEqual(alert.history);
    expect(withClip!.updatedAt).toBe(alert.updatedAt);
    const acked = await service.acknowledge(alert.id, "op1");
    expect(acked).toMatchObject({ state: "acknowledged", clip, clipSha256: sha });
  });

  it("of an unknown alert change nothing", async () => {
    const { service, pushed } = setUp();
    expect(await service.attachClip(crypto.randomUUID(), { clip: "/media/x.mp4", clipSha256: "b".repeat(64) })).toBeNull();
    expect(pushed).toEqual([]);
  });
});
