import { alertListResponseSchema, alertSeverityRank, type Alert } from "@vigil/contracts";
import type { AppContext } from "../app/context.js";
import { formatClock } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { h, replaceChildren } from "../ui/dom.js";
import { isUrgent } from "./alert-store.js";
import { alertHeadline, lastSeenCamera } from "./alert-text.js";
import type { AlertsPanel } from "./alerts-panel.js";
import type { BrowserNotifications } from "./browser-notifications.js";

/** While urgent alerts stay unacknowledged the alarm repeats, so a moment away from the desk can't lose one. */
const REMINDER_MS = 30_000;
const BASE_TITLE = "Vigil";

/**
 * Turns incoming alerts into attention: a new high/critical alert (or one an update made so, like a
 * possible smoke confirmed) sounds, flashes its camera, flies the map there, raises a red banner and
 * pulses the screen edge until someone acknowledges it. Everything else (a low "possible smoke"
 * included) updates quietly.
 */
export class LiveAlerts {
  readonly banner: HTMLElement;
  private reminder: number | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly panel: AlertsPanel,
    /** Browser notifications while the tab is in the background; absent: none. */
    private readonly notifications?: BrowserNotifications,
  ) {
    this.banner = h("div", { class: "alarm-banner", attrs: { role: "alert", hidden: true } });
    ctx.alerts.changed.on((change) => {
      // Moving the selection changes nothing urgent; only added or changed alerts can.
      if (change.ids.length) this.refreshAttention();
    });
    ctx.sound.mutedChanged.on(() => this.refreshAttention());
  }

  async load(): Promise<void> {
    const { items } = await this.ctx.api.get("/api/v1/alerts", alertListResponseSchema, { limit: 300 });
    this.ctx.alerts.upsertMany(items);
  }

  onNew(alert: Alert): void {
    const result = this.ctx.alerts.upsert(alert);
    if (result !== "new" || alert.state !== "new") return;
    if (alert.snapshot) this.ctx.cameras.setSnapshot(alert.cameraId, alert.snapshot);
    this.notifications?.show(alert, "new");
    if (isUrgent(alert)) this.attend(alert);
  }

  onUpdate(alert: Alert): void {
    const before = this.ctx.alerts.get(alert.id);
    if (this.ctx.alerts.upsert(alert) === "stale") return;
    // A quiet alert that became urgent (a possible smoke confirmed) gets the arrival's full attention.
    const now = this.ctx.alerts.get(alert.id);
    // Nobody took it in time: it went up. Supervisors (whom it went to) hear it; everyone sees the badge.
    if (before && now && now.state === "new" && now.escalatedAt && !before.escalatedAt) {
      this.notifications?.show(now, "escalated");
      if (this.ctx.can("supervisor")) this.ctx.sound.alarm(now.severity);
      this.ctx.map.cameras.flash(now.cameraId);
    }
    if (before && now && now.state === "new" && isUrgent(now) && !isUrgent(before)) return this.attend(now);
    // Seen again: the camera that saw it flashes (a wanted car on the move); the open alert's own alarm
    // already repeats, so no new sound.
    if (before && now && now.state !== "resolved" && (now.occurrences ?? 1) > (before.occurrences ?? 1)) this.ctx.map.cameras.flash(lastSeenCamera(now));
  }

  private attend(alert: Alert): void {
    this.ctx.sound.alarm(alert.severity);
    this.ctx.map.cameras.flash(alert.cameraId);
    this.panel.select(alert.id, true);
  }

  private urgentOpen(): Alert[] {
    return this.ctx.alerts.list().filter((a) => a.state === "new" && isUrgent(a));
  }

  private refreshAttention(): void {
    const urgent = this.urgentOpen();
    const anyNew = this.ctx.alerts.countByState("new");
    document.title = anyNew > 0 ? `(${anyNew}) ${urgent.length ? "⚠ " : ""}${BASE_TITLE}` : BASE_TITLE;
    document.body.classList.toggle("alarm", urgent.length > 0);
    if (urgent.length === 0) {
      this.banner.hidden = true;
      window.clearInterval(this.reminder);
      this.reminder = undefined;
      return;
    }
    const top = urgent.reduce((a, b) => (alertSeverityRank(b.severity) > alertSeverityRank(a.severity) ? b : a), urgent[0] as Alert);
    const latest = urgent[0] as Alert;
    replaceChildren(
      this.banner,
      h("span", { class: "alarm-icon", attrs: { "aria-hidden": "true" } }, "⚠"),
      h("strong", null, t("banner.urgent", { count: urgent.length })),
      h("span", { class: "alarm-text" }, `${alertHeadline(latest)} — ${this.ctx.cameras.name(latest.cameraId)} — ${formatClock(latest.lastSeenAt ?? latest.ts, getLang())}`),
      h(
        "button",
        {
          class: "btn danger",
          attrs: { type: "button" },
          on: {
            click: () => {
              this.ctx.show("alerts");
              this.panel.select(latest.id, true);
            },
          },
        },
        t("banner.view"),
      ),
    );
    this.banner.dataset["severity"] = top.severity;
    this.banner.hidden = false;
    if (this.reminder === undefined && !this.ctx.sound.isMuted) {
      this.reminder = window.setInterval(() => {
        const still = this.urgentOpen();
        if (still.length) this.ctx.sound.alarm(still.some((a) => a.severity === "critical") ? "critical" : "high");
      }, REMINDER_MS);
    }
    if (this.ctx.sound.isMuted) {
      window.clearInterval(this.reminder);
      this.reminder = undefined;
    }
  }
}
