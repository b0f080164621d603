import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Alert, AlertHistoryEntry, FireEvent, WebhookEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createAlertsMetrics } from "../metrics.js";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import { createAlertService, type EscalationOptions } from "./alert-service.js";
import { escalationDeadline, recordAssignment, takenBy } from "./alert-rules.js";

/**
 * One in-memory "database" several services may share (two alert instances): `markEscalated` keeps
 * the real guard — only a stored, still new, not yet escalated row is taken, once.
 */
function createStore() {
  const rows = new Map<string, Alert>();
  const log: AlertHistoryEntry[] = [];
  let down = false;
  const repo: AlertsRepository = {
    async save(alert, history) {
      if (down) throw new Error("database down");
      const prev = rows.get(alert.id);
      rows.set(alert.id, { ...alert, ...(prev?.escalatedAt ? { escalatedAt: prev.escalatedAt } : {}) });
      log.push(...history);
    },
    get: async (id) => rows.get(id) ?? null,
    history: async () => [],
    list: async () => [...rows.values()],
    listOpenSince: async () => [...rows.values()].filter((a) => a.state !== "resolved"),
    setClip: async () => true,
    async markEscalated(alert, entry) {
      if (down) throw new Error("database down");
      const row = rows.get(alert.id);
      if (!row || row.state !== "new" || row.escalatedAt) return false;
      rows.set(alert.id, { ...row, escalatedAt: entry.at, history: alert.history ?? [] });
      log.push(entry);
      return true;
    },
  };
  return { repo, rows, log, setDown: (v: boolean) => void (down = v) };
}

function instance(store: ReturnType<typeof createStore>, escalation: EscalationOptions = { afterMs: { critical: 60_000, high: 300_000 } }) {
  const pushed: Alert[] = [];
  const events: { event: WebhookEvent; alert: Alert }[] = [];
  const service = createAlertService({
    alerts: store.repo,
    notifier: { alertNew: () => undefined, alertUpdate: (a) => void pushed.push(a) },
    cooldownMs: 300_000,
    logger: createLogger({ name: "t", level: "silent" }),
    metrics: createAlertsMetrics(),
    events: { alertEvent: (event, alert) => void events.push({ event, alert }) },
    escalation,
    escalationRetryMs: 1_000,
    // The fake clock moves Date.now and the timers together.
    now: () => Date.now(),
  });
  return { service, pushed, events, escalated: () => pushed.filter((a) => a.escalatedAt) };
}

const fire = (confidence = 0.9, cameraId = "cam-1"): FireEvent => ({
  schemaVersion: 1, id: crypto.randomUUID(), cameraId, ts: new Date().toISOString(), kind: "fire", confidence, boxes: [], confirmedFrames: 3,
});

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2026-03-01T08:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("escalation of unacknowledged alerts", () => {
  it("a critical alert goes up after 60 s, not before, once; severity and state stay", async () => {
    const store = createStore();
    const a = instance(store);
    const alert = (await a.service.onFireEvent(fire()))!;
    expect(alert.severity).toBe("critical");
    await vi.advanceTimersByTimeAsync(59_000);
    expect(a.escalated()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.escalated()).toHaveLength(1);
    const up = a.escalated()[0]!;
    expect(up).toMatchObject({ id: alert.id, severity: "critical", state: "new", escalatedAt: "2026-03-01T08:01:00.000Z" });
    expect(up.history?.at(-1)).toMatchObject({ kind: "escalation", by: "system", state: "new" });
    expect(store.rows.get(alert.id)?.escalatedAt).toBe("2026-03-01T08:01:00.000Z");
    expect(a.events.map((e) => e.event)).toEqual(["alert.new", "alert.escalated"]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(a.escalated()).toHaveLength(1);
    expect(store.log.filter((h) => h.kind === "escalation")).toHaveLength(1);
  });

  it("a high alert waits five minutes; an acknowledged one never goes up", async () => {
    const store = createStore();
    const a = instance(store);
    const high = (await a.service.onFireEvent(fire(0.5, "cam-2")))!;
    const acked = (await a.service.onFireEvent(fire(0.5, "cam-3")))!;
    expect(high.severity).toBe("high");
    await vi.advanceTimersByTimeAsync(10_000);
    await a.service.acknowledge(acked.id, "op1");
    await vi.advanceTimersByTimeAsync(289_000);
    expect(a.escalated()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.escalated().map((x) => x.id)).toEqual([high.id]);
    expect(a.service.escalationsPending()).toBe(0);
  });

  it("goes to the target the injected function names (the parent unit's supervisors)", async () => {
    const store = createStore();
    const a = instance(store, { afterMs: { critical: 60_000 }, target: (al) => ({ unitId: `parent-of-${al.cameraId}` }) });
    await a.service.onFireEvent(fire());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.escalated()[0]).toMatchObject({ escalatedToUnitId: "parent-of-cam-1" });
    expect(a.escalated()[0]!.history?.at(-1)).toMatchObject({ kind: "escalation", unitId: "parent-of-cam-1" });
  });

  it("two instances on one database escalate an alert once; a restarted one rebuilds the timer", async () => {
    const store = createStore();
    const a = instance(store);
    const alert = (await a.service.onFireEvent(fire()))!;
    await vi.advanceTimersByTimeAsync(30_000);
    // A second instance (or this one restarted) finds the open alert in the database.
    const b = instance(store);
    await b.service.restore();
    expect(b.service.escalationsPending()).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(a.escalated().length + b.escalated().length).toBe(1);
    expect(store.log.filter((h) => h.kind === "escalation")).toHaveLength(1);
    expect([...a.events, ...b.events].filter((e) => e.event === "alert.escalated")).toHaveLength(1);
    // The loser took the stored copy: it knows the alert is escalated.
    const loser = a.escalated().length ? b : a;
    await vi.advanceTimersByTimeAsync(1);
    await loser.service.acknowledge(alert.id, "op2");
    expect(loser.pushed.at(-1)).toMatchObject({ state: "acknowledged", escalatedAt: "2026-03-01T08:01:00.000Z" });
  });

  it("an overdue alert found at restart goes up at once", async () => {
    const store = createStore();
    const a = instance(store, { afterMs: {} }); // this instance never escalates
    await a.service.onFireEvent(fire());
    await vi.advanceTimersByTimeAsync(120_000);
    expect(a.escalated()).toHaveLength(0);
    const b = instance(store);
    await b.service.restore();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.escalated()).toHaveLength(1);
    expect(b.escalated()[0]!.escalatedAt).toBe("2026-03-01T08:02:00.000Z");
  });

  it("the database down at the deadline delays the escalation, never drops it", async () => {
    const store = createStore();
    const a = instance(store);
    await a.service.onFireEvent(fire());
    store.setDown(true);
    await vi.advanceTimersByTimeAsync(62_000);
    expect(a.escalated()).toHaveLength(0);
    store.setDown(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.escalated()).toHaveLength(1);
    expect(store.log.filter((h) => h.kind === "escalation")).toHaveLength(1);
  });

  it("a possible smoke (low) has no deadline; confirmed as high it gets one from when it was raised", async () => {
    const store = createStore();
    const a = instance(store);
    const first: FireEvent = { ...fire(0.8), kind: "smoke", possible: true };
    const alert = (await a.service.onFireEvent(first))!;
    expect(alert.severity).toBe("low");
    expect(a.service.escalationsPending()).toBe(0);
    await vi.advanceTimersByTimeAsync(200_000);
    await a.service.onFireEvent({ ...first, revision: 1, possible: false, ts: new Date().toISOString() });
    expect(a.service.escalationsPending()).toBe(1);
    await vi.advanceTimersByTimeAsync(99_000);
    expect(a.escalated()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.escalated()).toHaveLength(1);
  });
});

describe("taking and assigning alerts", () => {
  it("a second acknowledgement is refused and names who took it and when", async () => {
    const store = createStore();
    const a = instance(store);
    const alert = (await a.service.onFireEvent(fire()))!;
    await vi.advanceTimersByTimeAsync(5_000);
    await a.service.acknowledge(alert.id, "op1");
    await expect(a.service.acknowledge(alert.id, "op2")).rejects.toMatchObject({
      code: "already_acknowledged",
      details: { acknowledgedBy: "op1", acknowledgedAt: "2026-03-01T08:00:05.000Z" },
    });
    expect(store.rows.get(alert.id)).toMatchObject({ acknowledgedBy: "op1", updatedBy: "op1" });
  });

  it("taken on another instance: the second instance's stale copy does not let a second operator take it", async () => {
    const store = createStore();
    const a = instance(store);
    const alert = (await a.service.onFireEvent(fire()))!;
    const b = instance(store);
    await b.service.restore(); // b holds the alert as new
    await vi.advanceTimersByTimeAsync(2_000);
    await a.service.acknowledge(alert.id, "op1");
    await vi.advanceTimersByTimeAsync(0);
    await expect(b.service.acknowledge(alert.id, "op2")).rejects.toMatchObject({ code: "already_acknowledged", details: { acknowledgedBy: "op1" } });
    expect(store.rows.get(alert.id)?.acknowledgedBy).toBe("op1");
  });

  it("assignment is recorded on the alert and in its history; a unit replaces a user", async () => {
    const store = createStore();
    const a = instance(store);
    const alert = (await a.service.onFireEvent(fire()))!;
    const toUser = await a.service.assign(alert.id, "sup1", { userId: "op7" });
    expect(toUser).toMatchObject({ assignedTo: "op7", assignedUnitId: null });
    const toUnit = await a.service.assign(alert.id, "sup1", { unitId: "cong-an-quan-1" });
    expect(toUnit).toMatchObject({ assignedTo: null, assignedUnitId: "cong-an-quan-1" });
    expect(toUnit.history?.filter((h) => h.kind === "assignment")).toEqual([
      expect.objectContaining({ by: "sup1", assignedTo: "op7" }),
      expect.objectContaining({ by: "sup1", unitId: "cong-an-quan-1" }),
    ]);
    expect(a.events.filter((e) => e.event === "alert.assigned")).toHaveLength(2);
    await a.service.resolve(alert.id, "sup1", "xong", "true_hit");
    await expect(a.service.assign(alert.id, "sup1", { userId: "op7" })).rejects.toMatchObject({ code: "invalid_transition" });
  });
});

describe("rules", () => {
  const base = { state: "new", type: "fire", severity: "critical", raisedAt: "2026-03-01T08:00:00.000Z", ts: "2026-03-01T07:59:59.000Z" } as const;
  it("deadline from when it was raised, per severity; none for system alerts or without a time", () => {
    expect(escalationDeadline(base, { critical: 60_000 })).toBe(Date.parse("2026-03-01T08:01:00.000Z"));
    expect(escalationDeadline({ ...base, severity: "medium" }, { critical: 60_000 })).toBeNull();
    expect(escalationDeadline({ ...base, type: "system" }, { critical: 60_000 })).toBeNull();
    expect(escalationDeadline({ ...base, escalatedAt: base.raisedAt }, { critical: 60_000 })).toBeNull();
    expect(escalationDeadline({ ...base, state: "acknowledged" }, { critical: 60_000 })).toBeNull();
    expect(escalationDeadline(base, { critical: 0 })).toBeNull();
  });
  it("takenBy falls back to the last change for alerts acknowledged before the field existed", () => {
    const old = { schemaVersion: 1, id: crypto.randomUUID(), type: "fire", severity: "high", cameraId: "c", ts: base.ts, state: "acknowledged", updatedBy: "op1", updatedAt: base.raisedAt } as Alert;
    expect(takenBy(old)).toEqual({ acknowledgedBy: "op1", acknowledgedAt: base.raisedAt });
    expect(takenBy({ ...old, state: "new" })).toBeNull();
    expect(recordAssignment({ ...old, state: "new" }, { userId: "u" }, "s", base.raisedAt).alert.assignedUnitId).toBeNull();
  });
});
