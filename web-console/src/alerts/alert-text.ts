import type { Alert, AlertEvidence, AlertHistoryEntry } from "@vigil/contracts";
import { plateWithProvince } from "../format/plate.js";
import { formatClock, formatDateTime } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";

/** The one-line headline of an alert, the same in the list, the banner and the browser title. */
export function alertHeadline(alert: Alert): string {
  switch (alert.type) {
    case "watchlist_hit":
      return t("alert.headline.watchlist_hit", { plate: plateWithProvince(alert.display, alert.plate) });
    case "fire":
      return t("alert.headline.fire");
    case "smoke":
      // Smoke without flame not yet seen to persist and grow: "possible", said so, and no alarm (low severity).
      return t(alert.possible === true ? "alert.headline.possible_smoke" : "alert.headline.smoke");
    case "camera_offline":
      return t("alert.headline.camera_offline");
    case "system":
      if (alert.systemCode === "account_locked" || alert.systemCode === "integrity_failure") return t(`alert.headline.system.${alert.systemCode}`, { subject: alert.subject ?? "—" });
      return t("alert.headline.system", { reason: alert.reason ?? alert.systemCode ?? "—" });
  }
}

const isFire = (alert: Pick<Alert, "type">) => alert.type === "fire" || alert.type === "smoke";

/** The camera that saw the condition last (a wanted vehicle moves; the alert keeps its first camera). */
export function lastSeenCamera(alert: Alert): string {
  const last = [...(alert.history ?? [])].reverse().find((h) => h.kind === "occurrence" && h.cameraId);
  return last?.cameraId ?? alert.cameraId;
}

/**
 * "Thấy lại × 3, lần cuối lúc 14:05:09 tại Q1 · Bến Thành" — only when the condition was seen more
 * than once; the camera is named when the last sighting was elsewhere than the first.
 */
export function seenAgainText(alert: Alert, cameraName: (id: string) => string): string | null {
  const count = alert.occurrences ?? 1;
  if (count < 2) return null;
  const time = formatClock(alert.lastSeenAt ?? alert.ts, getLang());
  const camera = lastSeenCamera(alert);
  const fire = isFire(alert);
  if (camera !== alert.cameraId) return t(fire ? "alert.stillDetectedAt" : "alert.seenAgainAt", { count, time, camera: cameraName(camera) });
  return t(fire ? "alert.stillDetected" : "alert.seenAgain", { count, time });
}

/** Who did it, in words: the service itself is "the system", not a user called "system". */
function who(by: string | null): string {
  return !by || by === "system" ? t("history.system") : by;
}

/** Notes the service writes itself, shown in the operator's language. */
const SYSTEM_NOTES: Record<string, Parameters<typeof t>[0]> = { "camera back online": "history.cameraBackOnline" };

/** A raise this long after its first read was not live. */
const RETROACTIVE_MS = 5 * 60_000;

/** One history line as the card shows it: what happened (the note is shown beside it, as typed). */
export function historyText(alert: Pick<Alert, "type" | "ts">, entry: AlertHistoryEntry, cameraName: (id: string) => string): { what: string; note: string | null } {
  const systemNote = entry.by === "system" && entry.note ? SYSTEM_NOTES[entry.note] : undefined;
  const note = systemNote ? t(systemNote) : entry.note;
  if (entry.kind === "occurrence") {
    const camera = entry.cameraId ? cameraName(entry.cameraId) : "—";
    return { what: t(isFire(alert) ? "history.stillDetected" : "history.seenAgain", { n: entry.occurrence ?? 2, camera }), note };
  }
  if (entry.kind === "assignment") return { what: t("history.assigned", { user: who(entry.by), target: entry.assignedTo ?? entry.unitId ?? "—" }), note };
  if (entry.kind === "escalation") return { what: entry.unitId ? t("history.escalatedToUnit", { unit: entry.unitId }) : t("history.escalated"), note };
  switch (entry.state) {
    case "new":
      // Raised well after the read it is about (a retroactive watchlist hit): say which read.
      return { what: Math.abs(Date.parse(entry.at) - Date.parse(alert.ts)) > RETROACTIVE_MS ? t("history.raisedFromRead", { time: formatDateTime(alert.ts, getLang()) }) : t("history.raised"), note };
    case "acknowledged":
      return { what: t("history.acknowledged", { user: who(entry.by) }), note };
    case "resolved":
      return { what: entry.reason ? t("history.resolved", { user: who(entry.by), reason: t(`resolveReason.${entry.reason}`) }) : t("history.resolvedPlain", { user: who(entry.by) }), note };
  }
}

/**
 * The history a card shows: the alert's own, or for an alert saved before alerts carried one, what
 * can be told from its fields (raised; the last change with its note).
 */
export function historyOf(alert: Alert): AlertHistoryEntry[] {
  if (alert.history?.length) return alert.history;
  const raised: AlertHistoryEntry = { state: "new", at: alert.raisedAt ?? alert.ts, by: null, note: null };
  if (alert.state === "new" || !alert.updatedAt) return [raised];
  return [raised, { state: alert.state, at: alert.updatedAt, by: alert.updatedBy ?? null, note: alert.note ?? null, ...(alert.resolveReason ? { reason: alert.resolveReason } : {}) }];
}

/** Sightings counted on the alert but no longer in its (bounded) history. */
export function occurrencesNotListed(alert: Alert, history: readonly AlertHistoryEntry[]): number {
  const listed = history.filter((h) => h.kind === "occurrence").length;
  return Math.max(0, (alert.occurrences ?? 1) - 1 - listed);
}

/** The pictures of an alert, oldest first; an alert from before evidence lists has its one picture. */
export function evidenceOf(alert: Alert): AlertEvidence[] {
  if (alert.evidence?.length) return alert.evidence;
  if (!alert.snapshot && !alert.crop) return [];
  return [{ at: alert.ts, cameraId: alert.cameraId, ...(alert.snapshot ? { snapshot: alert.snapshot } : {}), ...(alert.crop ? { crop: alert.crop } : {}) }];
}

/** "23/11/2026 14:05:09 — Q1 · Bến Thành": the caption under a picture in the viewer. */
export function evidenceCaption(item: AlertEvidence, cameraName: (id: string) => string): string {
  return item.cameraId ? `${formatDateTime(item.at, getLang())} — ${cameraName(item.cameraId)}` : formatDateTime(item.at, getLang());
}

/**
 * The card's workflow labels: who took it ("Đang xử lý: …", while acknowledged), to whom it was
 * given, and whether it went up to the supervisors (while nobody has taken it).
 */
export function workflowLabels(alert: Alert): { handling: string | null; assigned: string | null; escalated: { text: string; title: string } | null } {
  const handler = alert.state === "acknowledged" ? (alert.acknowledgedBy ?? alert.updatedBy) : undefined;
  const assigned = alert.state === "resolved" ? null : alert.assignedTo ? t("alert.assignedTo", { user: alert.assignedTo }) : alert.assignedUnitId ? t("alert.assignedUnit", { unit: alert.assignedUnitId }) : null;
  return {
    handling: handler ? t("alert.handling", { user: handler }) : null,
    assigned,
    escalated: alert.escalatedAt && alert.state === "new" ? { text: t("alert.escalated"), title: t("alert.escalatedTitle", { time: formatClock(alert.escalatedAt, getLang()) }) } : null,
  };
}
