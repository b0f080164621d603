import type { AlertSeverity, AlertState, AlertType, WatchlistMatchKind, WatchlistPriority } from "@vigil/contracts";

const SEVERITIES: readonly AlertSeverity[] = ["low", "medium", "high", "critical"];

function lower(s: AlertSeverity): AlertSeverity {
  return SEVERITIES[Math.max(0, SEVERITIES.indexOf(s) - 1)]!;
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
