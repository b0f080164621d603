import {
  ALERT_EVIDENCE_LIMIT,
  ALERT_HISTORY_LIMIT,
  alertSeverity,
  alertSeverityRank,
  type Alert,
  type AlertEvidence,
  type AlertHistoryEntry,
  type AlertSeverity,
  type AlertState,
  type AlertType,
  type FireEvent,
  type WatchlistMatchKind,
  type WatchlistPriority,
} from "@vigil/contracts";

const SEVERITIES: readonly AlertSeverity[] = alertSeverity.options;

function lower(s: AlertSeverity): AlertSeverity {
  return SEVERITIES[Math.max(0, SEVERITIES.indexOf(s) - 1)]!;
}

export function maxSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return alertSeverityRank(b) > alertSeverityRank(a) ? b : a;
}

/**
 * Severity of a new alert. Watchlist hits take the entry's priority, one step lower for a fuzzy match
 * (an OCR look-alike is likelier to be a false hit); fire is critical when confident, smoke one step
 * below fire; an offline camera is high (a blind spot, or tampering: the operator must look).
 */
export function severityFor(
  rule: { type: "watchlist_hit"; priority: WatchlistPriority; matchKind: WatchlistMatchKind } | { type: "fire" | "smoke"; confidence: number; possible?: boolean } | { type: "camera_offline" },
): AlertSeverity {
  switch (rule.type) {
    case "watchlist_hit":
      return rule.matchKind === "exact" ? rule.priority : lower(rule.priority);
    case "fire":
      return rule.confidence >= 0.6 ? "critical" : "high";
    case "smoke":
      // Smoke without flame that has not yet persisted and grown is a "possible smoke": look, don't run.
      if (rule.possible) return "low";
      return rule.confidence >= 0.6 ? "high" : "medium";
    case "camera_offline":
      // A camera gone dark is a blind spot (or tampering): urgent, with the banner and the sound.
      return "high";
  }
}

/** A "possible smoke" event: smoke without flame the inference side has not yet seen persist and grow. */
function isPossible(event: Pick<FireEvent, "kind" | "possible">): boolean {
  return event.kind === "smoke" && event.possible === true;
}

/** The fire/smoke fields of a new alert raised for `event`. */
export function fireAlertFields(event: FireEvent): Pick<Alert, "severity"> & Partial<Pick<Alert, "possible" | "boxes" | "snapshot" | "snapshotSha256">> {
  const possible = isPossible(event);
  return {
    severity: severityFor({ type: event.kind, confidence: event.confidence, possible }),
    ...(possible ? { possible: true } : {}),
    ...(event.boxes.length ? { boxes: event.boxes } : {}),
    ...(event.snapshot ? { snapshot: event.snapshot } : {}),
    ...(event.snapshot && event.snapshotSha256 ? { snapshotSha256: event.snapshotSha256 } : {}),
  };
}

/** The event confirms a smoke its alert still holds as only possible. */
export function confirmsPossible(alert: Pick<Alert, "possible">, event: Pick<FireEvent, "kind" | "possible">): boolean {
  return alert.possible === true && !isPossible(event);
}

/**
 * A later revision of a fire/smoke event (or another event on the camera) applied to its open alert.
 * Severity only ever rises (a confirmed smoke lifts a possible one from low); once confirmed an alert
 * is never "possible" again (`possible` becomes false, so the change reaches consoles that merge
 * updates); the newest boxes are shown. Evidence and the count are `recordOccurrence`'s.
 */
export function applyFireRevision(alert: Alert, event: FireEvent): Alert {
  const fields = fireAlertFields(event);
  return {
    ...showPicture(alert, fields),
    ...(fields.boxes ? { boxes: fields.boxes } : {}),
    severity: maxSeverity(alert.severity, fields.severity),
    ...(confirmsPossible(alert, event) ? { possible: false } : {}),
  };
}

/** Which event an alert was raised for: redeliveries and revisions of that event find the alert here. */
export function eventKey(type: AlertType, eventId: string, watchlistId?: string): string {
  return type === "watchlist_hit" ? `watchlist_hit|${eventId}|${watchlistId ?? ""}` : `${type}|${eventId}`;
}

/**
 * The condition an alert stands for, one open alert per key: a wanted vehicle (the watchlist entry,
 * whatever camera sees it), or fire, smoke or an outage at one camera.
 */
export function conditionKey(alert: Pick<Alert, "type" | "cameraId" | "watchlistId" | "systemCode" | "subject">): string {
  if (alert.type === "watchlist_hit") return `watchlist_hit|${alert.watchlistId ?? ""}`;
  // One open system alert per problem and thing concerned (one per locked account, one per broken file).
  if (alert.type === "system") return `system|${alert.systemCode ?? ""}|${alert.subject ?? ""}`;
  return `${alert.type}|${alert.cameraId}`;
}

/**
 * The open alert per condition key. A key covers later events while its alert is open (not resolved)
 * and, with a finite window, only while the condition was last seen less than `windowMs` ago: a fire
 * that keeps burning stays one alert, a fire that went out and started again hours later is another.
 */
export function createOpenAlertIndex() {
  const open = new Map<string, { alertId: string; lastMs: number; windowMs: number }>();
  return {
    covering(key: string, nowMs: number): string | null {
      const prev = open.get(key);
      if (!prev || nowMs - prev.lastMs >= prev.windowMs) return null;
      return prev.alertId;
    },
    /** The condition was seen (raised or again) at `atMs` and belongs to `alertId`. */
    seen(key: string, alertId: string, atMs: number, windowMs = Number.POSITIVE_INFINITY): void {
      const prev = open.get(key);
      open.set(key, { alertId, lastMs: prev?.alertId === alertId ? Math.max(prev.lastMs, atMs) : atMs, windowMs });
    },
    /** A resolved alert covers nothing any more: the next occurrence raises a new one. */
    resolved(alertId: string): void {
      for (const [k, v] of open) if (v.alertId === alertId) open.delete(k);
    },
    /** Forgets keys past their window so the map stays bounded. */
    prune(nowMs: number): void {
      for (const [k, v] of open) if (nowMs - v.lastMs >= v.windowMs) open.delete(k);
    },
    size: () => open.size,
  };
}

/** What one more sighting of an alert's condition brings. */
export interface Occurrence {
  /** The event's own time. */
  at: string;
  cameraId: string;
  eventId?: string;
  snapshot?: string;
  crop?: string;
  snapshotSha256?: string;
  cropSha256?: string;
}

/**
 * The alert showing this picture as its newest, each path with its own hash or none: the previous
 * picture's hash left beside a new path would make the new file look tampered with.
 */
export function showPicture(alert: Alert, src: Pick<Alert, "snapshot" | "crop" | "snapshotSha256" | "cropSha256">): Alert {
  const next = { ...alert };
  if (src.snapshot) {
    next.snapshot = src.snapshot;
    if (src.snapshotSha256) next.snapshotSha256 = src.snapshotSha256;
    else delete next.snapshotSha256;
  }
  if (src.crop) {
    next.crop = src.crop;
    if (src.cropSha256) next.cropSha256 = src.cropSha256;
    else delete next.cropSha256;
  }
  return next;
}

/**
 * Adds a picture, oldest first: the first (what raised the alert) always stays, then the newest up to
 * the limit. The same picture twice (a redelivered event) is kept once.
 */
export function appendEvidence(list: readonly AlertEvidence[], item: AlertEvidence, limit = ALERT_EVIDENCE_LIMIT): AlertEvidence[] {
  if (!item.snapshot && !item.crop) return [...list];
  if (list.some((e) => e.snapshot === item.snapshot && e.crop === item.crop)) return [...list];
  const all = [...list, item].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return all.length <= limit ? all : [all[0]!, ...all.slice(all.length - (limit - 1))];
}

/** Appends a history line; past the limit the oldest occurrence lines go (state changes always stay). */
export function appendHistory(list: readonly AlertHistoryEntry[], entry: AlertHistoryEntry, limit = ALERT_HISTORY_LIMIT): AlertHistoryEntry[] {
  const all = [...list, entry];
  while (all.length > limit) {
    const i = all.findIndex((e) => e.kind === "occurrence");
    if (i < 0) break;
    all.splice(i, 1);
  }
  return all.slice(-limit);
}

/** The evidence and history an alert starts with. */
export function initialRecord(alert: Alert, raisedAtIso: string): Alert {
  const evidence = appendEvidence([], { at: alert.ts, cameraId: alert.cameraId, ...pickEvidence(alert) });
  return {
    ...alert,
    occurrences: 1,
    lastSeenAt: alert.ts,
    raisedAt: raisedAtIso,
    ...(evidence.length ? { evidence } : {}),
    history: [{ state: "new", at: raisedAtIso, by: null, note: null }],
  };
}

function pickEvidence(src: { eventId?: string | undefined; snapshot?: string | undefined; crop?: string | undefined; snapshotSha256?: string | undefined; cropSha256?: string | undefined }): Omit<AlertEvidence, "at"> {
  return {
    ...(src.eventId ? { eventId: src.eventId } : {}),
    ...(src.snapshot ? { snapshot: src.snapshot } : {}),
    ...(src.crop ? { crop: src.crop } : {}),
    ...(src.snapshot && src.snapshotSha256 ? { snapshotSha256: src.snapshotSha256 } : {}),
    ...(src.crop && src.cropSha256 ? { cropSha256: src.cropSha256 } : {}),
  };
}

/**
 * The condition seen again while the alert is open: one more occurrence, the latest sighting time
 * (a late, older event does not move it back), its picture added to the evidence (and shown as the
 * newest when it is), a history line. Returns the alert and the history line to log.
 */
export function recordOccurrence(alert: Alert, occ: Occurrence): { alert: Alert; entry: AlertHistoryEntry } {
  const occurrences = (alert.occurrences ?? 1) + 1;
  const last = alert.lastSeenAt ?? alert.ts;
  const newest = Date.parse(occ.at) >= Date.parse(last);
  const entry: AlertHistoryEntry = {
    state: alert.state,
    at: occ.at,
    by: null,
    note: null,
    kind: "occurrence",
    occurrence: occurrences,
    cameraId: occ.cameraId,
    ...(occ.eventId ? { eventId: occ.eventId } : {}),
  };
  const evidence = appendEvidence(alert.evidence ?? legacyEvidence(alert), { at: occ.at, cameraId: occ.cameraId, ...pickEvidence(occ) });
  return {
    entry,
    alert: {
      ...(newest ? showPicture(alert, occ) : alert),
      occurrences,
      lastSeenAt: newest ? occ.at : last,
      ...(evidence.length ? { evidence } : {}),
      history: appendHistory(alert.history ?? [], entry),
    },
  };
}

/** An alert saved before evidence lists existed: its one picture becomes the first entry. */
function legacyEvidence(alert: Alert): AlertEvidence[] {
  return appendEvidence([], { at: alert.ts, cameraId: alert.cameraId, ...pickEvidence(alert) });
}

/** A state change recorded on the alert's own history (raised is `initialRecord`'s). */
export function recordTransition(alert: Alert, entry: AlertHistoryEntry): Alert {
  return { ...alert, history: appendHistory(alert.history ?? [], entry) };
}

const TRANSITIONS: Record<AlertState, readonly AlertState[]> = {
  new: ["acknowledged", "resolved"],
  acknowledged: ["resolved"],
  resolved: [],
};

/** new → acknowledged → resolved (a supervisor may resolve a new alert directly); never backwards. */
export function canTransition(from: AlertState, to: AlertState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** How long an alert of each severity may stay unacknowledged before it goes up to the supervisors; absent: never. */
export type EscalationTimes = Partial<Record<AlertSeverity, number>>;
/** The defaults: a critical alert after a minute, a high one after five. */
export const DEFAULT_ESCALATION_MS: EscalationTimes = { critical: 60_000, high: 300_000 };

/**
 * When an alert nobody has acknowledged goes up to the supervisors (epoch ms), or null: it was
 * acknowledged, resolved or already escalated, its severity has no time, or it is a system alert
 * (administrators' own, never forwarded). Counted from when it was raised, at its current severity:
 * a possible smoke confirmed as fire ten minutes on is overdue at once.
 */
export function escalationDeadline(alert: Pick<Alert, "state" | "type" | "severity" | "escalatedAt" | "raisedAt" | "ts">, times: EscalationTimes): number | null {
  if (alert.state !== "new" || alert.escalatedAt || alert.type === "system") return null;
  const after = times[alert.severity];
  if (after === undefined || after <= 0) return null;
  return Date.parse(alert.raisedAt ?? alert.ts) + after;
}

/** The escalation recorded on the alert: when, to which unit's supervisors (none: all), a history line; the severity stays. */
export function recordEscalation(alert: Alert, atIso: string, unitId?: string): { alert: Alert; entry: AlertHistoryEntry } {
  const entry: AlertHistoryEntry = { state: alert.state, at: atIso, by: "system", note: null, kind: "escalation", ...(unitId ? { unitId } : {}) };
  return {
    entry,
    alert: { ...alert, escalatedAt: atIso, ...(unitId ? { escalatedToUnitId: unitId } : {}), updatedAt: atIso, history: appendHistory(alert.history ?? [], entry) },
  };
}

/** Given to a user or a unit (the other is cleared), with a history line naming who gave it. */
export function recordAssignment(alert: Alert, to: { userId?: string; unitId?: string }, by: string, atIso: string): { alert: Alert; entry: AlertHistoryEntry } {
  const entry: AlertHistoryEntry = {
    state: alert.state,
    at: atIso,
    by,
    note: null,
    kind: "assignment",
    ...(to.userId ? { assignedTo: to.userId } : {}),
    ...(to.unitId ? { unitId: to.unitId } : {}),
  };
  return {
    entry,
    alert: { ...alert, assignedTo: to.userId ?? null, assignedUnitId: to.unitId ?? null, updatedAt: atIso, updatedBy: by, history: appendHistory(alert.history ?? [], entry) },
  };
}

/** Who took an acknowledged alert and when (alerts acknowledged before these fields existed: their last change). */
export function takenBy(alert: Alert): { acknowledgedBy: string; acknowledgedAt: string } | null {
  if (alert.state !== "acknowledged") return null;
  const by = alert.acknowledgedBy ?? alert.updatedBy;
  const at = alert.acknowledgedAt ?? alert.updatedAt;
  return by && at ? { acknowledgedBy: by, acknowledgedAt: at } : null;
}
