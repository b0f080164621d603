import type { Alert, AlertEvidence, AlertResolveReason, AlertState, AlertType } from "@vigil/contracts";
import { alertResolveReason, alertState, alertType } from "@vigil/contracts";
import type { AppContext } from "../app/context.js";
import { formatDateTime } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { evidenceImage, h, replaceChildren } from "../ui/dom.js";
import { acknowledgeAlert, resolveAlert } from "./alert-actions.js";
import type { AlertFilter } from "./alert-store.js";
import { alertHeadline, evidenceCaption, evidenceOf, historyOf, historyText, occurrencesNotListed, seenAgainText } from "./alert-text.js";
import { EvidenceViewer } from "./evidence-viewer.js";

/**
 * The live alerts panel, a queue: new before acknowledged before resolved, the most severe and most
 * recently seen first; severity colours, filters by type and state; "seen again × N" on a card whose
 * condition keeps coming back; the selected alert opened with its evidence (full size in the viewer),
 * its history, a note box and (for supervisors) the resolve reasons.
 * Keyboard: j/k select, a acknowledge, r resolve.
 */
export class AlertsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly filterBar: HTMLElement;
  private readonly counts: HTMLElement;
  private readonly types = new Set<AlertType>();
  private readonly states = new Set<AlertState>(["new", "acknowledged"]);
  /** Notes being typed survive re-renders caused by other alerts arriving. */
  private readonly drafts = new Map<string, string>();
  /** The resolve reason chosen per alert, kept like the notes. */
  private readonly reasons = new Map<string, AlertResolveReason>();
  private readonly busy = new Set<string>();
  /** Full-screen evidence; its element is mounted by the shell. */
  readonly viewer = new EvidenceViewer();

  constructor(private readonly ctx: AppContext) {
    this.counts = h("span", { class: "panel-counts" });
    this.filterBar = h("div", { class: "filter-bar" });
    this.list = h("div", { class: "alert-list", attrs: { role: "list", "aria-live": "polite" } });
    this.element = h(
      "section",
      { class: "panel alerts-panel", attrs: { "data-view": "alerts" } },
      h("header", { class: "panel-header" }, h("h2", null, t("alerts.title")), this.counts),
      this.filterBar,
      this.list,
    );
    this.renderFilters();
    ctx.alertsChanged.on(() => this.render());
    this.render();
  }

  get filter(): AlertFilter {
    return { types: this.types, states: this.states };
  }

  /** j/k */
  move(delta: number): void {
    const id = this.ctx.alerts.move(delta, this.filter);
    this.render();
    if (id) this.reveal(id, true);
  }

  select(id: string, fly = true): void {
    this.ctx.alerts.select(id);
    this.render();
    this.reveal(id, fly);
  }

  /** a: acknowledges the selected alert with whatever note is typed. */
  async acknowledgeSelected(): Promise<void> {
    const alert = this.selectedAlert();
    if (!alert || alert.state !== "new") return;
    await this.run(alert.id, async () => {
      const note = this.drafts.get(alert.id)?.trim() || undefined;
      const changed = await acknowledgeAlert(this.ctx.api, alert.id, note);
      this.drafts.delete(alert.id);
      this.apply(changed);
    });
  }

  /**
   * r: resolves the selected alert. A reason and a note are required (the reason is what the fire
   * model learns from), so a missing one just focuses its control.
   */
  async resolveSelected(): Promise<void> {
    const alert = this.selectedAlert();
    if (!alert || alert.state === "resolved") return;
    if (!this.ctx.can("supervisor")) return this.ctx.toast(t("alerts.resolveNeedsSupervisor"), "error");
    const reason = this.reasons.get(alert.id);
    if (!reason) {
      this.ctx.toast(t("alerts.reasonRequired"), "error");
      this.list.querySelector<HTMLInputElement>(`[data-alert-id="${alert.id}"] .resolve-reasons input`)?.focus();
      return;
    }
    const note = this.drafts.get(alert.id)?.trim();
    if (!note) {
      this.ctx.toast(t("alerts.noteRequired"), "error");
      this.list.querySelector<HTMLTextAreaElement>(`[data-alert-id="${alert.id}"] textarea`)?.focus();
      return;
    }
    await this.run(alert.id, async () => {
      const changed = await resolveAlert(this.ctx.api, alert.id, reason, note);
      this.drafts.delete(alert.id);
      this.reasons.delete(alert.id);
      this.apply(changed);
    });
  }

  private selectedAlert(): Alert | undefined {
    const id = this.ctx.alerts.selectedId;
    return id ? this.ctx.alerts.get(id) : undefined;
  }

  private apply(alert: Alert): void {
    this.ctx.alerts.upsert(alert);
    this.ctx.alertsChanged.emit();
  }

  private async run(id: string, action: () => Promise<void>): Promise<void> {
    if (this.busy.has(id)) return;
    this.busy.add(id);
    try {
      await action();
    } catch (err) {
      this.ctx.toast(`${t("alerts.actionFailed")}: ${(err as Error).message}`, "error");
    } finally {
      this.busy.delete(id);
      this.render();
    }
  }

  private reveal(id: string, fly: boolean): void {
    this.list.querySelector(`[data-alert-id="${id}"]`)?.scrollIntoView({ block: "nearest" });
    const alert = this.ctx.alerts.get(id);
    if (fly && alert) this.ctx.map.cameras.focus(alert.cameraId);
  }

  private renderFilters(): void {
    const chip = <T extends string>(set: Set<T>, value: T, label: string) => {
      const b = h("button", {
        class: `chip${set.has(value) ? " on" : ""}`,
        attrs: { type: "button", "aria-pressed": set.has(value) ? "true" : "false", "data-filter": value },
        on: {
          click: () => {
            if (set.has(value)) set.delete(value);
            else set.add(value);
            this.renderFilters();
            this.render();
          },
        },
      }, label);
      return b;
    };
    replaceChildren(
      this.filterBar,
      h("div", { class: "chips" }, ...alertType.options.map((v) => chip(this.types, v, t(`alert.type.${v}`)))),
      h("div", { class: "chips" }, ...alertState.options.map((v) => chip(this.states, v, t(`alert.state.${v}`)))),
    );
  }

  render(): void {
    const items = this.ctx.alerts.list(this.filter);
    const newCount = this.ctx.alerts.countByState("new");
    this.counts.textContent = t("alerts.counts", { new: newCount, shown: items.length });
    this.counts.classList.toggle("hot", newCount > 0);
    const focused = document.activeElement instanceof HTMLTextAreaElement ? document.activeElement.closest<HTMLElement>("[data-alert-id]")?.dataset["alertId"] : undefined;
    if (items.length === 0) {
      replaceChildren(this.list, h("div", { class: "empty calm" }, t(this.ctx.alerts.size === 0 ? "alerts.allQuiet" : "alerts.noneMatch")));
      return;
    }
    replaceChildren(this.list, ...items.slice(0, 300).map((a) => this.card(a)));
    if (focused) {
      const area = this.list.querySelector<HTMLTextAreaElement>(`[data-alert-id="${focused}"] textarea`);
      area?.focus();
      area?.setSelectionRange(area.value.length, area.value.length);
    }
  }

  private card(alert: Alert): HTMLElement {
    const lang = getLang();
    const selected = this.ctx.alerts.selectedId === alert.id;
    const head = h(
      "div",
      { class: "alert-head" },
      h("span", { class: `sev sev-${alert.severity}` }, t(`alert.severity.${alert.severity}`)),
      h("span", { class: "alert-title" }, alertHeadline(alert)),
      (alert.occurrences ?? 1) > 1 ? h("span", { class: "occurrences", title: t("alert.occurrencesBadge") }, `× ${alert.occurrences}`) : null,
      h("span", { class: `state state-${alert.state}` }, t(`alert.state.${alert.state}`)),
    );
    const seenAgain = seenAgainText(alert, (id) => this.ctx.cameras.name(id));
    const again = seenAgain ? h("div", { class: "seen-again" }, h("time", { attrs: { datetime: alert.lastSeenAt ?? alert.ts } }, seenAgain)) : null;
    const meta = h(
      "div",
      { class: "alert-meta" },
      h("span", null, this.ctx.cameras.name(alert.cameraId)),
      h("time", { attrs: { datetime: alert.ts } }, formatDateTime(alert.ts, lang)),
      alert.matchKind === "fuzzy" ? h("span", { class: "fuzzy" }, t("alert.fuzzyMatch")) : alert.matchKind === "partial" ? h("span", { class: "fuzzy" }, t("alert.partialMatch")) : null,
    );
    const card = h(
      "article",
      {
        class: `alert-card sev-${alert.severity} state-${alert.state}${selected ? " selected" : ""}`,
        attrs: { "data-alert-id": alert.id, "data-type": alert.type, role: "listitem", tabindex: -1 },
        on: { click: (e) => (e.target as HTMLElement).closest("textarea,button,fieldset") || this.select(alert.id) },
      },
      head,
      meta,
      again,
    );
    if (selected) card.appendChild(this.details(alert));
    return card;
  }

  private details(alert: Alert): HTMLElement {
    const lang = getLang();
    const draft = this.drafts.get(alert.id) ?? "";
    const note = h("textarea", {
      class: "note",
      attrs: { rows: 2, placeholder: t("alerts.notePlaceholder"), maxlength: 2000, "aria-label": t("alerts.note") },
      on: { input: (e) => this.drafts.set(alert.id, (e.target as HTMLTextAreaElement).value) },
    });
    note.value = draft;
    const busy = this.busy.has(alert.id);
    const ack = h(
      "button",
      { class: "btn primary", attrs: { type: "button", "data-action": "ack", disabled: busy || alert.state !== "new" }, on: { click: () => void this.acknowledgeSelected() } },
      t("alerts.acknowledge"),
      h("kbd", null, "a"),
    );
    const resolve = this.ctx.can("supervisor")
      ? h(
          "button",
          { class: "btn", attrs: { type: "button", "data-action": "resolve", disabled: busy || alert.state === "resolved" }, on: { click: () => void this.resolveSelected() } },
          t("alerts.resolve"),
          h("kbd", null, "r"),
        )
      : null;
    return h(
      "div",
      { class: "alert-details" },
      this.evidence(alert),
      alert.reason ? h("div", { class: "reason" }, h("b", null, `${t("alerts.watchReason")}: `), alert.reason) : null,
      this.history(alert, lang),
      alert.state !== "resolved" && this.ctx.can("supervisor") ? this.reasonPicker(alert) : null,
      alert.state === "resolved" ? null : note,
      alert.state === "resolved" ? null : h("div", { class: "actions" }, ack, resolve),
    );
  }

  /**
   * The newest picture (scene, crop beside it) opening the viewer, and a strip of every picture kept
   * when there are several; the viewer pages through them all.
   */
  private evidence(alert: Alert): HTMLElement | null {
    const items = evidenceOf(alert);
    if (!items.length) return null;
    const cameraName = (id: string) => this.ctx.cameras.name(id);
    const open = (i: number) => this.viewer.open(items, i, (item) => evidenceCaption(item, cameraName));
    const newest = items.length - 1;
    const scene = alert.snapshot ?? items[newest]?.snapshot;
    const crop = alert.crop ?? [...items].reverse().find((e) => e.crop)?.crop;
    const sceneButton = scene
      ? h(
          "button",
          { class: "evidence-open", attrs: { type: "button", "data-action": "open-evidence", title: t("evidence.open"), "aria-label": t("evidence.open") }, on: { click: () => open(newest) } },
          evidenceImage(scene, t("alerts.snapshot"), "evidence snapshot"),
        )
      : null;
    const strip =
      items.length > 1
        ? h(
            "div",
            { class: "evidence-strip", attrs: { "aria-label": t("evidence.pictures", { count: items.length }) } },
            ...items.map((item: AlertEvidence, i) =>
              h(
                "button",
                { class: "evidence-thumb", attrs: { type: "button", "data-index": i, title: evidenceCaption(item, cameraName) }, on: { click: () => open(i) } },
                evidenceImage(item.snapshot ?? item.crop, t("alerts.snapshot"), "thumb-img"),
              ),
            ),
          )
        : null;
    return h(
      "div",
      { class: "evidence-block" },
      h("div", { class: "evidence-row" }, sceneButton, evidenceImage(crop, t("alerts.plateCrop"), "evidence crop")),
      strip,
    );
  }

  /** Raised, acknowledged (by, when, note), each sighting, resolved (by, when, reason, note): kept after resolve. */
  private history(alert: Alert, lang: ReturnType<typeof getLang>): HTMLElement {
    const entries = historyOf(alert);
    const cameraName = (id: string) => this.ctx.cameras.name(id);
    const hidden = occurrencesNotListed(alert, entries);
    const firstOccurrence = entries.findIndex((e) => e.kind === "occurrence");
    const items = entries.map((entry) => {
      const { what, note } = historyText(alert, entry, cameraName);
      return h(
        "li",
        { class: `history-${entry.kind ?? "state"} history-${entry.state}`, attrs: { "data-state": entry.state, "data-kind": entry.kind ?? "state" } },
        h("time", { attrs: { datetime: entry.at } }, formatDateTime(entry.at, lang)),
        h("span", { class: "history-what" }, what),
        note ? h("q", { class: "history-note" }, note) : null,
      );
    });
    if (hidden > 0) items.splice(firstOccurrence < 0 ? 1 : firstOccurrence, 0, h("li", { class: "history-more muted" }, t("history.notListed", { count: hidden })));
    return h("section", { class: "alert-history" }, h("h4", null, t("history.title")), h("ol", null, ...items));
  }

  /** One radio chip per resolve reason; a fire/smoke false alarm says its frame will be kept for retraining. */
  private reasonPicker(alert: Alert): HTMLElement {
    const chosen = this.reasons.get(alert.id);
    const isFire = alert.type === "fire" || alert.type === "smoke";
    const hint = isFire ? h("div", { class: "muted small feedback-hint", attrs: { hidden: chosen !== "false_alarm" } }, t("alerts.feedbackHint")) : null;
    const chips = alertResolveReason.options.map((reason) =>
      h(
        "label",
        { class: `chip${chosen === reason ? " on" : ""}`, attrs: { "data-reason": reason } },
        h("input", {
          attrs: { type: "radio", name: `resolve-reason-${alert.id}`, value: reason, checked: chosen === reason },
          on: {
            change: () => {
              this.reasons.set(alert.id, reason);
              // Updated in place (no re-render), so keyboard focus stays on the radio group.
              for (const el of chips) el.classList.toggle("on", el.dataset["reason"] === reason);
              if (hint) hint.hidden = reason !== "false_alarm";
            },
          },
        }),
        t(`resolveReason.${reason}`),
      ),
    );
    return h(
      "fieldset",
      { class: "resolve-reasons" },
      h("legend", null, t("alerts.resolveReason")),
      h("div", { class: "chips", attrs: { role: "radiogroup" } }, ...chips),
      hint,
    );
  }
}
