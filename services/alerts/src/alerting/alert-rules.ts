import type { Alert, AlertSeverity, AlertState, AlertType, FireEvent, WatchlistMatchKind, WatchlistPriority } from "@vigil/contracts";

const SEVERITIES: readonly AlertSeverity[] = ["low", "medium", "high", "critical"];

function lower(s: AlertSeverity): AlertSeverity {
  return SEVERITIES[Math.max(0, SEVERITIES.indexOf(s) - 1)]!;
}

export function maxSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return SEVERITIES.indexOf(b) > SEVERITIES.indexOf(a) ? b : a;
}

/**
 * Severity of a new alert. Watchlist hits take the entry's priority, one step lower for a fuzzy match
 * (an OCR look-alike is likelier to be a false hit); fire is critical when confident, smoke one step
 * below fire; an offline camera is medium (a blind spot, not an incident).
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
      return "medium";
  }
}

/** A "possible smoke" event: smoke without flame the inference side has not yet seen persist and grow. */
function isPossible(event: Pick<FireEvent, "kind" | "possible">): boolean {
  return event.kind === "smoke" && event.possible === true;
}

/** The fire/smoke fields of a new alert raised for `event`. */
export function fireAlertFields(event: FireEvent): Pick<Alert, "severity"> & Partial<Pick<Alert, "possible" | "boxes" | "snapshot">> {
  const possible = isPossible(event);
  return {
    severity: severityFor({ type: event.kind, confidence: event.confidence, possible }),
    ...(possible ? { possible: true } : {}),
    ...(event.boxes.length ? { boxes: event.boxes } : {}),
    ...(event.snapshot ? { snapshot: event.snapshot } : {}),
  };
}

/** The event confirms a smoke its alert still holds as only possible. */
export function confirmsPossible(alert: Pick<Alert, "possible">, event: Pick<FireEvent, "kind" | "possible">): boolean {
  return alert.possible === true && !isPossible(event);
}

/**
 * A later revision of a fire/smoke event applied to its alert. Severity only ever rises (a confirmed
 * smoke lifts a possible one from low); once confirmed an alert is never "possible" again (`possible`
 * becomes false, so the change reaches consoles that merge updates); the newest evidence replaces the old.
 */
export function applyFireRevision(alert: Alert, event: FireEvent): Alert {
  const fields = fireAlertFields(event);
  return {
    ...alert,
    ...(fields.boxes ? { boxes: fields.boxes } : {}),
    ...(fields.snapshot ? { snapshot: fields.snapshot } : {}),
    severity: maxSeverity(alert.severity, fields.severity),
    ...(confirmsPossible(alert, event) ? { possible: false } : {}),
  };
}

export function dedupeKey(type: AlertType, cameraId: string, plate?: string): string {
  return `${type}|${cameraId}|${plate ?? ""}`;
}

/**
 * One alert per (type, camera, plate) per cooldown window: a key raised less than `cooldownMs` ago
 * (and not yet resolved) suppresses another. Returns the alert id that already covers the key, if any.
 */
export function createCooldownTracker(cooldownMs: number) {
  const lastRaised = new Map<string, { alertId: string; at: number; resolved: boolean }>();
  return {
    covering(key: string, nowMs: number): string | null {
      const prev = lastRaised.get(key);
      if (!prev || prev.resolved || nowMs - prev.at >= cooldownMs) return null;
      return prev.alertId;
    },
    raised(key: string, alertId: string, atMs: number): void {
      lastRaised.set(key, { alertId, at: atMs, resolved: false });
    },
    resolved(alertId: string): void {
      for (const v of lastRaised.values()) if (v.alertId === alertId) v.resolved = true;
    },
    /** Forgets keys past their cooldown so the map stays bounded. */
    prune(nowMs: number): void {
      for (const [k, v] of lastRaised) if (nowMs - v.at >= cooldownMs) lastRaised.delete(k);
    },
    size: () => lastRaised.size,
  };
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
