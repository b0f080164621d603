import { randomUUID } from "node:crypto";
import { alertSchema, type Alert, type AlertHistoryEntry, type AlertResolveReason, type AlertState, type FireEvent, type PlateEvent } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import type { AlertsMetrics } from "../metrics.js";
import type { WatchlistMatch } from "../watchlist/watchlist-matcher.js";
import { applyFireRevision, canTransition, confirmsPossible, createCooldownTracker, dedupeKey, fireAlertFields, severityFor } from "./alert-rules.js";

/** Where raised/changed alerts go: the MQTT `alerts` topic and the consoles' sockets. */
export interface AlertNotifier {
  alertNew(alert: Alert): void;
  alertUpdate(alert: Alert): void;
}

/** Told about every alert a person resolves (the fire feedback store keeps false alarms' frames). */
export interface ResolvedAlertListener {
  alertResolved(alert: Alert): Promise<unknown>;
}

export class AlertTransitionError extends Error {
  constructor(
    message: string,
    public readonly code: "not_found" | "invalid_transition",
  ) {
    super(message);
  }
}

interface PendingSave {
  alert: Alert;
  history: AlertHistoryEntry[];
  waiters: (() => void)[];
}

const RECENT_LIMIT = 5_000;

/**
 * Raises, updates and moves alerts through new → acknowledged → resolved. Alerts are raised and pushed
 * in memory first — consoles see them live even while PostgreSQL is down — and saved by a background
 * loop that retries until the database takes them (saves are idempotent, so replays are harmless).
 */
export function createAlertService(deps: {
  alerts: AlertsRepository;
  notifier: AlertNotifier;
  cooldownMs: number;
  logger: Logger;
  metrics: AlertsMetrics;
  resolved?: ResolvedAlertListener;
  now?: () => number;
}) {
  const { alerts, notifier, logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const cooldown = createCooldownTracker(deps.cooldownMs);
  const recent = new Map<string, Alert>();
  const byEvent = new Map<string, string>();
  const pending = new Map<string, PendingSave>();
  let flushing: Promise<void> | null = null;
  let closed = false;
  let backoff = 250;

  function remember(alert: Alert): void {
    recent.delete(alert.id);
    recent.set(alert.id, alert);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
  }

  function save(alert: Alert, entry: AlertHistoryEntry | null): Promise<void> {
    return new Promise((resolve) => {
      const p = pending.get(alert.id) ?? { alert, history: [], waiters: [] };
      p.alert = alert;
      if (entry) p.history.push(entry);
      p.waiters.push(resolve);
      pending.set(alert.id, p);
      if (!flushing) flushing = flush().finally(() => (flushing = null));
    });
  }

  async function flush(): Promise<void> {
    while (pending.size && !closed) {
      const [id, p] = pending.entries().next().value as [string, PendingSave];
      try {
        await alerts.save(p.alert, p.history);
      } catch (err) {
        metrics.storageErrors.inc();
        if (backoff === 250) logger.warn({ err, pending: pending.size }, "saving alerts failed; keeping them in memory and retrying");
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(5_000, backoff * 2);
        continue;
      }
      backoff = 250;
      // A change made while this save ran is saved on the next turn.
      if (pending.get(id) === p) pending.delete(id);
      p.waiters.forEach((w) => w());
    }
  }

  function raise(draft: Omit<Alert, "schemaVersion" | "id" | "state">, dedupe: string, eventKey?: string): { alert: Alert; stored: Promise<void> } | null {
    const t = now();
    const covering = cooldown.covering(dedupe, t);
    if (covering) {
      metrics.alertsSuppressed.inc({ type: draft.type });
      if (eventKey) byEvent.set(eventKey, covering);
      return null;
    }
    const alert = alertSchema.parse({ schemaVersion: 1, id: randomUUID(), state: "new", ...draft });
    cooldown.raised(dedupe, alert.id, t);
    if (eventKey) byEvent.set(eventKey, alert.id);
    remember(alert);
    metrics.alertsRaised.inc({ type: alert.type });
    notifier.alertNew(alert);
    return { alert, stored: save(alert, { state: "new", at: new Date(t).toISOString(), by: null, note: null }) };
  }

  async function load(id: string): Promise<Alert | null> {
    return recent.get(id) ?? (await alerts.get(id));
  }

  async function transition(id: string, to: AlertState, by: string, note?: string, extra: Partial<Alert> = {}): Promise<Alert> {
    const current = await load(id);
    if (!current) throw new AlertTransitionError(`alert ${id} not found`, "not_found");
    if (!canTransition(current.state, to)) throw new AlertTransitionError(`alert ${id} is ${current.state}; it cannot become ${to}`, "invalid_transition");
    const at = new Date(now()).toISOString();
    const next: Alert = { ...current, ...extra, state: to, updatedAt: at, updatedBy: by, ...(note ? { note } : {}) };
    remember(next);
    if (to === "resolved") cooldown.resolved(id);
    notifier.alertUpdate(next);
    const stored = save(next, { state: to, at, by, note: note ?? null });
    // The caller waits for the write briefly; if the database is down the change is still kept and pushed.
    await Promise.race([stored, new Promise((r) => setTimeout(r, 2_000).unref())]);
    return next;
  }

  /** Raises an alert for a fire/smoke event; suppressed by the cooldown, it may still confirm the covering alert. */
  async function raiseFire(event: FireEvent, eventKey: string): Promise<Alert | null> {
    const r = raise({ type: event.kind, cameraId: event.cameraId, ts: event.ts, eventId: event.id, ...fireAlertFields(event) }, dedupeKey(event.kind, event.cameraId), eventKey);
    if (r) {
      await r.stored;
      return r.alert;
    }
    const coveringId = byEvent.get(eventKey);
    const covering = coveringId ? await load(coveringId) : null;
    return covering ? updateFire(covering, event) : null;
  }

  async function updateFire(existing: Alert, event: FireEvent): Promise<Alert | null> {
    // An event suppressed into another event's alert changes it only to confirm a smoke the alert holds
    // as possible: a real smoke must not stay hidden behind a low-severity alert for the cooldown.
    if (existing.eventId !== event.id && !confirmsPossible(existing, event)) return null;
    const next: Alert = { ...applyFireRevision(existing, event), updatedAt: new Date(now()).toISOString() };
    remember(next);
    notifier.alertUpdate(next);
    await save(next, null);
    return next;
  }

  return {
    /** Rebuilds de-duplication state from alerts still inside their cooldown window. */
    async restore(): Promise<void> {
      const since = new Date(now() - deps.cooldownMs).toISOString();
      for (const a of await alerts.listOpenSince(since)) {
        remember(a);
        if (a.eventId) byEvent.set(`${a.type}|${a.eventId}`, a.id);
        if (a.state !== "resolved" && Date.parse(a.ts) >= now() - deps.cooldownMs) {
          cooldown.raised(dedupeKey(a.type, a.cameraId, a.plate), a.id, Date.parse(a.ts));
        }
      }
    },

    /** Watchlist hits for one plate read (already matched); resolves when the raised alerts are saved. */
    onWatchlistMatches(event: PlateEvent, matches: WatchlistMatch[]): { raised: Alert[]; stored: Promise<void> } {
      const raised: Alert[] = [];
      const stores: Promise<void>[] = [];
      for (const m of matches) {
        const eventKey = `watchlist_hit|${event.id}|${m.entry.id}`;
        if (byEvent.has(eventKey)) continue; // a redelivered or revised read of a track already alerted
        const r = raise(
          {
            type: "watchlist_hit",
            severity: severityFor({ type: "watchlist_hit", priority: m.entry.priority, matchKind: m.kind }),
            cameraId: event.cameraId,
            ts: event.ts,
            eventId: event.id,
            plate: m.entry.plate,
            display: event.display,
            matchKind: m.kind,
            watchlistId: m.entry.id,
            reason: m.entry.reason,
            ...(event.snapshot ? { snapshot: event.snapshot } : {}),
            ...(event.crop ? { crop: event.crop } : {}),
          },
          dedupeKey("watchlist_hit", event.cameraId, m.entry.plate),
          eventKey,
        );
        if (r) {
          raised.push(r.alert);
          stores.push(r.stored);
        }
      }
      return { raised, stored: Promise.all(stores).then(() => undefined) };
    },

    /**
     * A fire/smoke event: a new id raises (subject to cooldown), a known id updates its alert in place
     * (severity only rises; a possible smoke confirmed by a later revision leaves "possible").
     */
    async onFireEvent(event: FireEvent): Promise<Alert | null> {
      const eventKey = `${event.kind}|${event.id}`;
      const knownId = byEvent.get(eventKey);
      if (!knownId) return raiseFire(event, eventKey);
      const known = await load(knownId);
      if (!known) return null;
      if (known.state === "resolved" && known.eventId === event.id && confirmsPossible(known, event)) {
        // Closed while it was only a possible smoke, and now confirmed: a fresh alert, not a silent edit of a closed one.
        byEvent.delete(eventKey);
        return raiseFire(event, eventKey);
      }
      return updateFire(known, event);
    },

    /** A camera offline longer than the threshold; returns the alert (or null when one is already open). */
    raiseCameraOffline(cameraId: string, sinceIso: string, error?: string): Alert | null {
      const r = raise(
        { type: "camera_offline", severity: severityFor({ type: "camera_offline" }), cameraId, ts: sinceIso, ...(error ? { reason: error.slice(0, 500) } : {}) },
        dedupeKey("camera_offline", cameraId),
      );
      return r?.alert ?? null;
    },

    /** The camera is back: its open offline alert resolves itself. */
    async cameraBackOnline(cameraId: string): Promise<void> {
      for (const a of [...recent.values()]) {
        if (a.type === "camera_offline" && a.cameraId === cameraId && a.state !== "resolved") {
          await transition(a.id, "resolved", "system", "camera back online").catch(() => undefined);
        }
      }
    },

    acknowledge: (id: string, by: string, note?: string) => transition(id, "acknowledged", by, note),
    /** Resolves with the supervisor's reason; the listener (fire feedback) never fails the resolve. */
    async resolve(id: string, by: string, note: string, reason: AlertResolveReason = "other"): Promise<Alert> {
      const alert = await transition(id, "resolved", by, note, { resolveReason: reason });
      await deps.resolved?.alertResolved(alert).catch((err: unknown) => logger.warn({ err, alertId: id }, "the resolved-alert listener failed"));
      return alert;
    },
    pendingSaves: () => pending.size,
    prune: () => cooldown.prune(now()),
    async close(timeoutMs = 3_000): Promise<void> {
      await Promise.race([flushing ?? Promise.resolve(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      closed = true;
    },
  };
}
export type AlertService = ReturnType<typeof createAlertService>;
