import type { Alert } from "@vigil/contracts";
import { formatClock } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { isUrgent } from "./alert-store.js";
import { alertHeadline } from "./alert-text.js";

/** Why a notification would be shown: a new alert, or one that went up to the supervisors. */
export type NotifyReason = "new" | "escalated";

export interface NotificationContent {
  title: string;
  body: string;
  /** One notification per alert and reason: a repeat replaces it instead of stacking. */
  tag: string;
  /** Critical ones stay on screen until someone looks. */
  requireInteraction: boolean;
}

/**
 * What to show, or null: only while the tab is in the background (in front, the banner and the
 * sound already say it), only with permission, and only for a new high/critical alert or any
 * escalation. Pure, so it is unit-tested.
 */
export function notificationFor(alert: Alert, reason: NotifyReason, state: { hidden: boolean; permission: NotificationPermission | "unsupported" }, cameraName: (id: string) => string): NotificationContent | null {
  if (!state.hidden || state.permission !== "granted") return null;
  if (alert.state !== "new") return null;
  if (reason === "new" && !isUrgent(alert)) return null;
  const headline = alertHeadline(alert);
  return {
    title: reason === "escalated" ? t("notify.escalated", { headline }) : headline,
    body: `${cameraName(alert.cameraId)} — ${formatClock(alert.lastSeenAt ?? alert.ts, getLang())}`,
    tag: `${alert.id}:${reason}`,
    requireInteraction: alert.severity === "critical",
  };
}

/** Remembered across reloads so the browser's question is asked once, not on every first click. */
const ASKED_KEY = "vigil.notifications.asked";

/**
 * Browser notifications (the Notification API) for when the console is not the tab in front. The
 * permission is asked from a user gesture — the header button, or once on the first click anywhere
 * — as browsers require; clicking a notification brings the console forward on that alert.
 */
export class BrowserNotifications {
  readonly button: HTMLButtonElement;

  constructor(private readonly opts: { cameraName: (id: string) => string; onOpen: (alertId: string) => void; win?: Window & typeof globalThis }) {
    this.button = h("button", { class: "btn icon notify-toggle", attrs: { type: "button", "data-action": "notifications" }, on: { click: () => void this.ask() } }) as HTMLButtonElement;
    this.render();
    if (this.permission() === "default" && !this.storage()?.getItem(ASKED_KEY)) {
      this.win.document.addEventListener("click", () => void this.ask(), { once: true, capture: true });
    }
  }

  private get win(): Window & typeof globalThis {
    return this.opts.win ?? window;
  }

  private storage(): Storage | null {
    try {
      return this.win.localStorage;
    } catch {
      return null;
    }
  }

  permission(): NotificationPermission | "unsupported" {
    return "Notification" in this.win ? this.win.Notification.permission : "unsupported";
  }

  /** Asks for permission (must run inside a click handler); a refusal is the browser's to undo. */
  async ask(): Promise<void> {
    if (this.permission() !== "default") return this.render();
    this.storage()?.setItem(ASKED_KEY, "1");
    try {
      await this.win.Notification.requestPermission();
    } finally {
      this.render();
    }
  }

  /** Called where alerts arrive (live-alerts.ts). */
  show(alert: Alert, reason: NotifyReason): void {
    const content = notificationFor(alert, reason, { hidden: this.win.document.visibilityState === "hidden", permission: this.permission() }, this.opts.cameraName);
    if (!content) return;
    try {
      const n = new this.win.Notification(content.title, { body: content.body, tag: content.tag, requireInteraction: content.requireInteraction, lang: getLang() });
      n.onclick = () => {
        this.win.focus();
        this.opts.onOpen(alert.id);
        n.close();
      };
    } catch {
      // Some browsers allow notifications only from a service worker; the banner and sound remain.
    }
  }

  private render(): void {
    const p = this.permission();
    this.button.hidden = p === "unsupported";
    // Short words in the header (no bell glyph: the console's fonts have none); the long explanation on hover.
    this.button.textContent = p === "granted" ? t("notify.on") : p === "denied" ? t("notify.blocked") : t("notify.enable");
    this.button.title = p === "denied" ? t("notify.blockedTitle") : t("notify.enableTitle");
    this.button.setAttribute("aria-pressed", String(p === "granted"));
    this.button.disabled = p !== "default";
  }
}
