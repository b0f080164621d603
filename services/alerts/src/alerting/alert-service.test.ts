import { describe, expect, it } from "vitest";
import type { Alert, FireEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createAlertsMetrics } from "../metrics.js";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import { createAlertService } from "./alert-service.js";

/** The alert service over an in-memory repository: fire/smoke handling and resolve reasons. */
function setUp(resolvedListener?: (a: Alert) => Promise<unknown>) {
  const stored = new Map<string, Alert>();
  const repo: AlertsRepository = {
    async save(alert) {
      stored.set(alert.id, alert);
    },
    get: async (id) => stored.get(id) ?? null,
    history: async () => [],
    list: async () => [...stored.values()],
    listOpenSince: async () => [],
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
  });
  return { service, stored, pushed, resolved };
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
    expect(await service.onFireEvent(smoke({ possible: true }))).toBeNull(); // suppressed: nothing new to say
    const confirmed = await service.onFireEvent(smoke({ possible: false, confidence: 0.9 }));
    expect(confirmed).toMatchObject({ id: possible!.id, eventId: possible!.eventId, severity: "high", possible: false });
    expect(stored.size).toBe(1);
    // A confirmed alert is not touched by other events any more (the old behaviour for every suppressed event).
    expect(await service.onFireEvent(smoke({ kind: "smoke", confidence: 0.2 }))).toBeNull();
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
