import { randomUUID } from "node:crypto";
import { alertSchema, SYSTEM_ALERT_CAMERA_ID, type CameraErrorCode, type Alert, type AlertSeverity, type AlertHistoryEntry, type AlertResolveReason, type AlertState, type AlertTakenDetails, type AlertType, type FireEvent, type PlateEvent, type WebhookEvent } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import type { AlertsMetrics } from "../metrics.js";
import type { WatchlistMatch } from "../watchlist/watchlist-matcher.js";
import {
  applyFireRevision,
  appendHistory,
  canTransition,
  conditionKey,
  createOpenAlertIndex,
  escalationDeadline,
  eventKey,
  fireAlertFields,
  initialRecord,
  maxSeverity,
  recordAssignment,
  recordEscalation,
  recordOccurrence,
  recordTransition,
  severityFor,
  takenBy,
  type EscalationTimes,
  type Occurrence,
} from "./alert-rules.js";

/** Where raised/changed alerts go: the MQTT `alerts` topic and the consoles' sockets. */
export interface AlertNotifier {
  alertNew(alert: Alert): void;
  alertUpdate(alert: Alert): void;
}

/** Told about every alert a person resolves (the fire feedback store keeps false alarms' frames). */
export interface ResolvedAlertListener {
  alertResolved(alert: Alert): Promise<unknown>;
}

/**
 * Told what happened to an alert, once per happening and only on the instance where it happened
 * (outbound webhooks): raised, escalated, assigned, acknowledged, resolved — not each occurrence.
 */
export interface AlertEventListener {
  alertEvent(event: WebhookEvent, alert: Alert): void;
}

/** Escalation of alerts nobody acknowledged in time. */
export interface EscalationOptions {
  /** Per severity; absent severities never escalate. */
  afterMs: EscalationTimes;
  /**
   * Whose supervisors it goes to: the unit above the alert's (units plug in here); `{}`: every
   * supervisor. A failure counts as `{}` — the escalation must not be lost to a lookup.
   */
  target?: (alert: Alert) => { unitId?: string } | Promise<{ unitId?: string }>;
}

export class AlertTransitionError extends Error {
  constructor(
    message: string,
    public readonly code: "not_found" | "invalid_transition" | "already_acknowledged",
    /** already_acknowledged: who took it first and when. */
    public readonly details?: AlertTakenDetails,
  ) {
    super(message);
  }
}

interface PendingSave {
  alert: Alert;
  history: AlertHistoryEntry[];
  waiters: (() => void)[];
}

/** Alerts kept in memory for quick updates (older ones are read back from the database). */
const RECENT_LIMIT = 5_000;
/** Event keys remembered for redeliveries and revisions. */
const EVENT_KEY_LIMIT = 50_000;

type Draft = Omit<Alert, "schemaVersion" | "id" | "state">;

/**
 * Raises, updates and moves alerts through new → acknowledged → resolved. An alert is one open
 * condition (a wanted vehicle, a fire at a camera): while it is open, the condition seen again counts
 * on it (`occurrences`, `lastSeenAt`, one more picture in `evidence`, a history line); once resolved,
 * the next sighting raises a new alert — never a silent edit of the closed one.
 *
 * Alerts are raised and pushed in memory first — consoles see them live even while PostgreSQL is
 * down — and saved by a background loop that retries until the database takes them (saves are
 * idempotent, so replays are harmless).
 */
export function createAlertService(deps: {
  alerts: AlertsRepository;
  notifier: AlertNotifier;
  /** A fire/smoke event on a camera whose open alert saw the condition less than this ago continues it. */
  cooldownMs: number;
  logger: Logger;
  metrics: AlertsMetrics;
  resolved?: ResolvedAlertListener;
  /** Raised, escalated, assigned, acknowledged, resolved (webhooks). */
  events?: AlertEventListener;
  escalation?: EscalationOptions;
  /** How long a failed escalation (database down, alert not stored yet) waits before it is tried again. */
  escalationRetryMs?: number;
  now?: () => number;
}) {
  const { alerts, notifier, logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const index = createOpenAlertIndex();
  const recent = new Map<string, Alert>();
  /** Event key → the alert it belongs to and the last fire revision applied (-1: not known). */
  const byEvent = new Map<string, { alertId: string; revision: number }>();
  const pending = new Map<string, PendingSave>();
  let flushing: Promise<void> | null = null;
  let writing: PendingSave | null = null;
  let closed = false;
  let backoff = 250;
  /** Alert id → its escalation timer (only new alerts with a deadline have one). */
  const escalationTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const escalationRetryMs = deps.escalationRetryMs ?? 2_000;
  /** close() began: no new timers. */
  let stopping = false;
  const tell = (event: WebhookEvent, alert: Alert) => {
    try {
      deps.events?.alertEvent(event, alert);
    } catch (err) {
      logger.warn({ err, alertId: alert.id, event }, "an alert event listener failed");
    }
  };

  /** How long a condition stays "the same" after it was last seen: fire/smoke for the cooldown, the rest while open. */
  const windowFor = (type: AlertType) => (type === "fire" || type === "smoke" ? deps.cooldownMs : Number.POSITIVE_INFINITY);
  const iso = (ms: number) => new Date(ms).toISOString();

  function remember(alert: Alert): void {
    recent.delete(alert.id);
    recent.set(alert.id, alert);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
  }

  function linkEvent(key: string, alertId: string, revision = -1): void {
    byEvent.delete(key);
    byEvent.set(key, { alertId, revision });
    if (byEvent.size > EVENT_KEY_LIMIT) byEvent.delete(byEvent.keys().next().value as string);
  }

  function save(alert: Alert, entry: AlertHistoryEntry | null): Promise<void> {
    return new Promise((resolve) => {
      // The entry being written is not touched: a change made meanwhile gets its own entry, saved next.
      const queued = pending.get(alert.id);
      const p = queued && queued !== writing ? queued : { alert, history: [], waiters: [] };
      p.alert = alert;
      if (entry) p.history.push(entry);
      p.waiters.push(resolve);
      pending.set(alert.id, p);
      startFlushing();
    });
  }

  function startFlushing(): void {
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = null;
      // A save queued after the loop's last check and before this callback would otherwise wait for the next one.
      if (pending.size && !closed) startFlushing();
    });
  }

  async function flush(): Promise<void> {
    while (pending.size && !closed) {
      const [id, p] = pending.entries().next().value as [string, PendingSave];
      writing = p;
      try {
        await alerts.save(p.alert, p.history);
      } catch (err) {
        metrics.storageErrors.inc();
        if (backoff === 250) logger.warn({ err, pending: pending.size }, "saving alerts failed; keeping them in memory and retrying");
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(5_000, backoff * 2);
        continue;
      } finally {
        writing = null;
      }
      backoff = 250;
      // A change made while this save ran is in a newer entry, saved on the next turn.
      if (pending.get(id) === p) pending.delete(id);
      p.waiters.forEach((w) => w());
    }
  }

  function raise(draft: Draft, event?: { key: string; revision?: number }): { alert: Alert; stored: Promise<void> } {
    const t = now();
    const alert = alertSchema.parse(initialRecord({ schemaVersion: 1, id: randomUUID(), state: "new", ...draft }, iso(t)));
    index.seen(conditionKey(alert), alert.id, t, windowFor(alert.type));
    if (event) linkEvent(event.key, alert.id, event.revision ?? 0);
    remember(alert);
    metrics.alertsRaised.inc({ type: alert.type });
    notifier.alertNew(alert);
    tell("alert.new", alert);
    scheduleEscalation(alert);
    return { alert, stored: save(alert, alert.history![0]!) };
  }

  /** (Re)arms the alert's escalation timer from its deadline; none when it has none. */
  function scheduleEscalation(alert: Alert, delayMs?: number): void {
    clearTimeout(escalationTimers.get(alert.id));
    escalationTimers.delete(alert.id);
    if (!deps.escalation || closed || stopping) return;
    const deadline = escalationDeadline(alert, deps.escalation.afterMs);
    if (deadline === null) return;
    const wait = delayMs ?? Math.max(0, deadline - now());
    const timer = setTimeout(() => void escalate(alert.id).catch((err: unknown) => logger.warn({ err, alertId: alert.id }, "escalating an alert failed")), Math.min(wait, 2 ** 31 - 1));
    timer.unref?.();
    escalationTimers.set(alert.id, timer);
  }

  /**
   * The deadline passed with nobody acknowledging: mark it escalated in the database first — only the
   * first instance gets the row (`escalated_at IS NULL`), so two alert instances sharing the database
   * escalate, push and forward it once — then push the change. The database being down or the alert
   * not being stored yet means trying again shortly; an escalation is never dropped or doubled.
   */
  async function escalate(id: string): Promise<void> {
    escalationTimers.delete(id);
    const escalation = deps.escalation;
    if (closed || stopping || !escalation) return;
    const current = latest(id, await load(id));
    if (!current) return;
    const deadline = escalationDeadline(current, escalation.afterMs);
    if (deadline === null) return;
    if (deadline > now()) return scheduleEscalation(current);
    // Not in the database yet (the save loop is behind): the guarded UPDATE would find no row.
    if (pending.has(id)) return scheduleEscalation(current, escalationRetryMs);
    const target: { unitId?: string } = await Promise.resolve(escalation.target?.(current) ?? {}).catch((err: unknown) => {
      logger.warn({ err, alertId: id }, "finding the escalation target failed; escalating to every supervisor");
      return {};
    });
    const base = recent.get(id) ?? current;
    if (base.state !== "new" || base.escalatedAt) return;
    const { alert: escalated, entry } = recordEscalation(base, iso(now()), target.unitId);
    let won: boolean;
    try {
      won = await alerts.markEscalated(escalated, entry);
    } catch (err) {
      metrics.storageErrors.inc();
      logger.warn({ err, alertId: id }, "marking an alert escalated failed; trying again");
      return scheduleEscalation(base, escalationRetryMs);
    }
    if (!won) {
      // Escalated or acknowledged by another instance, or not stored after all: take the stored copy.
      const stored = await alerts.get(id).catch(() => null);
      if (!stored) return scheduleEscalation(recent.get(id) ?? base, escalationRetryMs);
      // Nothing of ours waits to be saved (checked above, and changes since are queued): the row is the truth.
      if (!pending.has(id)) remember(stored);
      return;
    }
    // Changes made while the UPDATE ran (an occurrence) are kept: the escalation goes on the latest copy.
    const mine = recent.get(id) ?? base;
    const next: Alert = { ...mine, escalatedAt: escalated.escalatedAt!, ...(target.unitId ? { escalatedToUnitId: target.unitId } : {}), updatedAt: entry.at, history: appendHistory(mine.history ?? [], entry) };
    remember(next);
    logger.info({ alertId: id, type: next.type, severity: next.severity, unitId: target.unitId }, "alert escalated: nobody acknowledged it in time");
    notifier.alertUpdate(next);
    tell("alert.escalated", next);
  }

  async function load(id: string): Promise<Alert | null> {
    return recent.get(id) ?? (await alerts.get(id));
  }

  /**
   * The copy to change, taken synchronously right after the caller's own `await load(id)`: another
   * message may have changed the alert meanwhile, and a change computed from the copy `load` returned
   * would undo that one (two sightings counted as one). Callers apply their change without awaiting.
   */
  function latest(id: string, loaded: Alert | null): Alert | null {
    return recent.get(id) ?? loaded;
  }

  /**
   * The condition of open alert `id` seen again: counted on it, or — when the alert was resolved
   * meanwhile or is gone — raised afresh from `draft`.
   */
  async function seenAgain(
    id: string,
    draft: Draft,
    occ: Occurrence,
    event: { key: string; revision?: number },
    merge: (a: Alert) => Alert = (a) => a,
  ): Promise<Alert> {
    const current = latest(id, await load(id));
    if (!current || current.state === "resolved") {
      const r = raise(draft, event);
      await r.stored;
      return r.alert;
    }
    const t = now();
    const { alert, entry } = recordOccurrence(merge(current), occ);
    const next: Alert = { ...alert, updatedAt: iso(t) };
    index.seen(conditionKey(next), next.id, t, windowFor(next.type));
    linkEvent(event.key, next.id, event.revision ?? 0);
    remember(next);
    metrics.alertsSuppressed.inc({ type: next.type });
    notifier.alertUpdate(next);
    // The severity may have risen (a possible smoke confirmed): the deadline with it.
    if (next.severity !== current.severity) scheduleEscalation(next);
    await save(next, entry);
    return next;
  }

  async function transition(id: string, to: AlertState, by: string, note?: string, extra: Partial<Alert> = {}): Promise<Alert> {
    let current = latest(id, await load(id));
    if (!current) throw new AlertTransitionError(`alert ${id} not found`, "not_found");
    if (to === "acknowledged" && current.state === "new" && !pending.has(id)) {
      // Another alert instance may have taken it: its row says so (this copy has nothing unsaved to lose).
      // Briefly: with the database down the acknowledgement goes ahead on this copy (kept and pushed as before).
      const stored = await Promise.race([alerts.get(id).catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 1_000).unref?.())]);
      const mine = recent.get(id) ?? current;
      current = stored && takenBy(stored) && mine.state === "new" && !pending.has(id) ? stored : mine;
      if (current === stored) remember(stored);
    }
    const taken = to === "acknowledged" ? takenBy(current) : null;
    if (taken) {
      // Said who has it, so a second operator does not think they took it too.
      throw new AlertTransitionError(`alert ${id} is already being handled by ${taken.acknowledgedBy} (acknowledged at ${taken.acknowledgedAt})`, "already_acknowledged", taken);
    }
    if (!canTransition(current.state, to)) throw new AlertTransitionError(`alert ${id} is ${current.state}; it cannot become ${to}`, "invalid_transition");
    const at = iso(now());
    const entry: AlertHistoryEntry = { state: to, at, by, note: note ?? null, ...(extra.resolveReason ? { reason: extra.resolveReason } : {}) };
    const took = to === "acknowledged" ? { acknowledgedBy: by, acknowledgedAt: at } : {};
    const next = recordTransition({ ...current, ...extra, ...took, state: to, updatedAt: at, updatedBy: by, ...(note ? { note } : {}) }, entry);
    remember(next);
    scheduleEscalation(next); // no longer new: the timer goes
    if (to === "resolved") index.resolved(id);
    notifier.alertUpdate(next);
    tell(to === "resolved" ? "alert.resolved" : "alert.acknowledged", next);
    const stored = save(next, entry);
    // The caller waits for the write briefly; if the database is down the change is still kept and pushed.
    await Promise.race([stored, new Promise((r) => setTimeout(r, 2_000).unref())]);
    return next;
  }

  function fireDraft(event: FireEvent): Draft {
    return { type: event.kind, cameraId: event.cameraId, ts: event.ts, eventId: event.id, ...fireAlertFields(event) };
  }

  function fireOccurrence(event: FireEvent): Occurrence {
    return { at: event.ts, cameraId: event.cameraId, eventId: event.id, ...(event.snapshot ? { snapshot: event.snapshot } : {}), ...(event.snapshot && event.snapshotSha256 ? { snapshotSha256: event.snapshotSha256 } : {}) };
  }

  return {
    /**
     * Rebuilds de-duplication state at start: every open alert covers its condition again, and the
     * events of recent alerts (the raising one and each occurrence) are known, so a read redelivered
     * after a restart does not raise a second alert.
     */
    async restore(): Promise<void> {
      const since = iso(now() - deps.cooldownMs);
      for (const a of await alerts.listOpenSince(since)) {
        remember(a);
        const eventIds = new Set([a.eventId, ...(a.history ?? []).map((h) => h.eventId), ...(a.evidence ?? []).map((e) => e.eventId)]);
        for (const eventId of eventIds) if (eventId) linkEvent(eventKey(a.type, eventId, a.watchlistId), a.id);
        if (a.state !== "resolved") index.seen(conditionKey(a), a.id, Date.parse(a.lastSeenAt ?? a.ts), windowFor(a.type));
        // Escalation deadlines survive a restart: overdue ones fire at once (the database guard keeps them single).
        scheduleEscalation(a);
      }
    },

    /**
     * Watchlist hits for one plate read (already matched); resolves when the changes are saved. A read
     * of a vehicle whose alert is still open counts on that alert, whichever camera saw it.
     */
    onWatchlistMatches(event: PlateEvent, matches: WatchlistMatch[]): { raised: Alert[]; stored: Promise<void> } {
      const raised: Alert[] = [];
      const stores: Promise<unknown>[] = [];
      for (const m of matches) {
        const key = eventKey("watchlist_hit", event.id, m.entry.id);
        if (byEvent.has(key)) continue; // a redelivered or revised read of a track already alerted
        const severity = severityFor({ type: "watchlist_hit", priority: m.entry.priority, matchKind: m.kind });
        const draft: Draft = {
          type: "watchlist_hit",
          severity,
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
          ...(event.snapshot && event.snapshotSha256 ? { snapshotSha256: event.snapshotSha256 } : {}),
          ...(event.crop && event.cropSha256 ? { cropSha256: event.cropSha256 } : {}),
        };
        const covering = index.covering(conditionKey(draft), now());
        if (covering) {
          // Known at once, so a redelivery arriving before the update is saved is still skipped.
          linkEvent(key, covering);
          const occ: Occurrence = { at: event.ts, cameraId: event.cameraId, eventId: event.id, ...(draft.snapshot ? { snapshot: draft.snapshot } : {}), ...(draft.crop ? { crop: draft.crop } : {}), ...(draft.snapshotSha256 ? { snapshotSha256: draft.snapshotSha256 } : {}), ...(draft.cropSha256 ? { cropSha256: draft.cropSha256 } : {}) };
          // An exact read of a vehicle first seen as a look-alike makes the alert exact (and as severe).
          const merge = (a: Alert): Alert => ({ ...a, severity: maxSeverity(a.severity, severity), ...(m.kind === "exact" ? { matchKind: "exact" as const } : {}) });
          stores.push(seenAgain(covering, draft, occ, { key }, merge));
          continue;
        }
        const r = raise(draft, { key });
        raised.push(r.alert);
        stores.push(r.stored);
      }
      return { raised, stored: Promise.all(stores).then(() => undefined) };
    },

    /**
     * A fire/smoke event. A later revision of a known event, or a new event on a camera whose open
     * alert saw fire less than the cooldown ago, counts on that alert (severity only rises; a possible
     * smoke confirmed leaves "possible"; the picture is added, never swapped). A revision of an event
     * whose alert was resolved means it is still burning: a new alert.
     */
    async onFireEvent(event: FireEvent): Promise<Alert | null> {
      const key = eventKey(event.kind, event.id);
      const revision = event.revision ?? 0;
      const known = byEvent.get(key);
      if (known && revision <= known.revision) return load(known.alertId); // a redelivery: nothing new
      const alertId = known?.alertId ?? index.covering(conditionKey({ type: event.kind, cameraId: event.cameraId }), now());
      if (!alertId) {
        const r = raise(fireDraft(event), { key, revision });
        await r.stored;
        return r.alert;
      }
      // Known at once, so a redelivery arriving while this one is applied counts nothing.
      linkEvent(key, alertId, revision);
      return seenAgain(alertId, fireDraft(event), fireOccurrence(event), { key, revision }, (a) => applyFireRevision(a, event));
    },

    /** A camera offline longer than the threshold; returns the alert (or null when one is already open). */
    raiseCameraOffline(cameraId: string, sinceIso: string, error?: string, errorCode?: CameraErrorCode): Alert | null {
      if (index.covering(conditionKey({ type: "camera_offline", cameraId }), now())) {
        metrics.alertsSuppressed.inc({ type: "camera_offline" });
        return null;
      }
      return raise({ type: "camera_offline", severity: severityFor({ type: "camera_offline" }), cameraId, ts: sinceIso, ...(error ? { reason: error.slice(0, 500) } : {}), ...(errorCode ? { errorCode } : {}) }).alert;
    },

    /**
     * Something about Vigil itself that administrators must see. While one is open for the same code
     * and subject, a repeat counts on it (occurrences, last seen) instead of raising another.
     */
    async raiseSystemAlert(input: { code: string; severity: AlertSeverity; reason: string; subject?: string }): Promise<Alert> {
      const t = now();
      const draft: Draft = {
        type: "system",
        severity: input.severity,
        cameraId: SYSTEM_ALERT_CAMERA_ID,
        ts: iso(t),
        systemCode: input.code,
        reason: input.reason.slice(0, 500),
        ...(input.subject ? { subject: input.subject.slice(0, 300) } : {}),
      };
      const key = conditionKey(draft);
      const open = index.covering(key, t);
      if (!open) {
        const r = raise(draft);
        await r.stored;
        return r.alert;
      }
      return seenAgain(open, draft, { at: draft.ts, cameraId: SYSTEM_ALERT_CAMERA_ID }, { key });
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

    /** Gives an open alert to a user (username) or a unit; the history says who gave it to whom. */
    async assign(id: string, by: string, to: { userId?: string; unitId?: string }): Promise<Alert> {
      const current = latest(id, await load(id));
      if (!current) throw new AlertTransitionError(`alert ${id} not found`, "not_found");
      if (current.state === "resolved") throw new AlertTransitionError(`alert ${id} is resolved; it cannot be assigned`, "invalid_transition");
      const { alert: next, entry } = recordAssignment(current, to, by, iso(now()));
      remember(next);
      notifier.alertUpdate(next);
      tell("alert.assigned", next);
      const stored = save(next, entry);
      await Promise.race([stored, new Promise((r) => setTimeout(r, 2_000).unref())]);
      return next;
    },
    /**
     * The event's video clip, cut by ingest some 10 s after the alert (#17): pushed to the consoles
     * at once and stored beside the alert (after the alert's own first save, which may still be queued).
     * Not a change of the alert's handling: no history line, `updatedAt` stays.
     */
    async attachClip(id: string, clip: { clip: string; clipSha256: string }): Promise<Alert | null> {
      const current = latest(id, await load(id));
      if (!current) return null;
      const next: Alert = { ...current, clip: clip.clip, clipSha256: clip.clipSha256 };
      remember(next);
      notifier.alertUpdate(next);
      for (let attempt = 0; ; attempt++) {
        const stored = !pending.has(id) && (await alerts.setClip(id, clip.clip, clip.clipSha256).catch(() => false));
        if (stored || closed || attempt >= 60) break;
        await new Promise((r) => setTimeout(r, 500).unref?.());
      }
      return next;
    },
    /** Alerts waiting for their escalation deadline (tests, metrics). */
    escalationsPending: () => escalationTimers.size,
    /** Resolves with the supervisor's reason; the listener (fire feedback) never fails the resolve. */
    async resolve(id: string, by: string, note: string, reason: AlertResolveReason = "other"): Promise<Alert> {
      const alert = await transition(id, "resolved", by, note, { resolveReason: reason });
      await deps.resolved?.alertResolved(alert).catch((err: unknown) => logger.warn({ err, alertId: id }, "the resolved-alert listener failed"));
      return alert;
    },
    pendingSaves: () => pending.size,
    prune: () => index.prune(now()),
    async close(timeoutMs = 3_000): Promise<void> {
      stopping = true;
      for (const t of escalationTimers.values()) clearTimeout(t);
      escalationTimers.clear();
      await Promise.race([flushing ?? Promise.resolve(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      closed = true;
    },
  };
}
export type AlertService = ReturnType<typeof createAlertService>;
