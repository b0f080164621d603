import type { Alert, AlertEvidence, AlertResolveReason, AlertState, AlertType } from "@vigil/contracts";
import { alertResolveReason, alertState, alertType } from "@vigil/contracts";
import type { AppContext } from "../app/context.js";
import { formatDateTime } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { html, nothing, render, type TemplateResult } from "lit-html";
import { guard } from "lit-html/directives/guard.js";
import { live } from "lit-html/directives/live.js";
import { repeat } from "lit-html/directives/repeat.js";
import { h } from "../ui/dom.js";
import { evidenceImageTemplate, keepFocus } from "../ui/templates.js";
import { acknowledgeAlert, resolveAlert } from "./alert-actions.js";
import type { AlertFilter } from "./alert-store.js";
import { alertHeadline, evidenceCaption, evidenceOf, historyOf, historyText, occurrencesNotListed, seenAgainText } from "./alert-text.js";
import { EvidenceViewer } from "./evidence-viewer.js";
import { workflowBadges } from "./alert-workflow-badges.js";
import { caseExportButton } from "./case-export.js";
import { cameraProblemText } from "../cameras/camera-problem.js";
import { alertVideoTemplate } from "../live/alert-clip.js";

/**
 * The watchlist entry's reason on a hit; on an offline camera, its problem in the operator's
 * language (the service's `reason` is English detail); a system alert's own words.
 */
function reasonLine(alert: Alert): TemplateResult | typeof nothing {
  if (alert.type === "camera_offline") {
    const problem = cameraProblemText({ ...(alert.reason ? { error: alert.reason } : {}), ...(alert.errorCode ? { errorCode: alert.errorCode } : {}) });
    return problem ? html`<div class="reason"><b>${t("alerts.cameraProblem")}: </b>${problem}</div>` : nothing;
  }
  if (!alert.reason) return nothing;
  return html`<div class="reason"><b>${t(alert.type === "watchlist_hit" ? "alerts.watchReason" : "alerts.details")}: </b>${alert.reason}</div>`;
}

/** The most cards drawn at once (the REST page size); the counter still says how many match. */
const MAX_CARDS = 300;

/**
 * The live alerts panel, a queue: new before acknowledged before resolved, the most severe and most
 * recently seen first; severity colours, filters by type and state; "seen again × N" on a card whose
 * condition keeps coming back; the selected alert opened with its evidence (full size in the viewer),
 * its history, a note box and (for supervisors) the resolve reasons.
 * Keyboard: j/k select, a acknowledge, r resolve.
 *
 * Drawn with lit-html, keyed by alert id: a change redraws the cards it touched and leaves the other
 * cards' DOM nodes (focus, typed notes, scroll position) alone.
 */
export class AlertsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly filterBar: HTMLElement;
  private readonly counts: HTMLElement;
  private readonly types = new Set<AlertType>();
  private readonly states = new Set<AlertState>(["new", "acknowledged"]);
  /** Notes being typed, kept when a card is closed and opened again (the open card's textarea holds its own). */
  private readonly drafts = new Map<string, string>();
  /** The resolve reason chosen per alert, kept like the notes. */
  private readonly reasons = new Map<string, AlertResolveReason>();
  private readonly busy = new Set<string>();
  /** Bumped when the camera list is reloaded: cards show camera names. */
  private cameraNames = 0;
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
    // The store says what changed; the keyed render turns that into work on those cards only.
    ctx.alerts.changed.on(() => this.render());
    ctx.cameras.reset.on(() => {
      this.cameraNames++;
      this.render();
    });
    this.render();
  }

  get filter(): AlertFilter {
    return { types: this.types, states: this.states };
  }

  /** j/k */
  move(delta: number): void {
    // The store's change event redraws the two cards whose selection changed.
    const id = this.ctx.alerts.move(delta, this.filter);
    if (id) this.reveal(id, true);
  }

  select(id: string, fly = true): void {
    this.ctx.alerts.select(id);
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

  /** The chips are updated in place, so the one just clicked keeps keyboard focus. */
  private renderFilters(): void {
    const chip = <T extends string>(set: Set<T>, value: T, label: string) => {
      const toggle = () => {
        if (set.has(value)) set.delete(value);
        else set.add(value);
        this.renderFilters();
        this.render();
      };
      return html`<button class="chip${set.has(value) ? " on" : ""}" type="button" aria-pressed=${set.has(value) ? "true" : "false"} data-filter=${value} @click=${toggle}>${label}</button>`;
    };
    render(
      html`<div class="chips">${alertType.options.map((v) => chip(this.types, v, t(`alert.type.${v}`)))}</div><div class="chips">${alertState.options.map((v) =>
        chip(this.states, v, t(`alert.state.${v}`)),
      )}</div>`,
      this.filterBar,
    );
  }

  render(): void {
    const items = this.ctx.alerts.list(this.filter);
    const newCount = this.ctx.alerts.countByState("new");
    this.counts.textContent = t("alerts.counts", { new: newCount, shown: items.length });
    this.counts.classList.toggle("hot", newCount > 0);
    const focused = document.activeElement;
    render(
      items.length === 0
        ? html`<div class="empty calm">${t(this.ctx.alerts.size === 0 ? "alerts.allQuiet" : "alerts.noneMatch")}</div>`
        : repeat(items.slice(0, MAX_CARDS), (a) => a.id, (a) => this.keyedCard(a)),
      this.list,
    );
    keepFocus(focused, this.list);
  }

  /**
   * A card is rebuilt only when something it shows changed: the alert (the store replaces the object
   * on every change), being selected, busy, the resolve reason picked, or the camera names. Anything
   * else (a note being typed, an open <details>, the scroll position) lives in the DOM and stays.
   */
  private keyedCard(alert: Alert) {
    const selected = this.ctx.alerts.selectedId === alert.id;
    return guard([alert, selected, this.busy.has(alert.id), this.reasons.get(alert.id), this.cameraNames], () => this.card(alert, selected));
  }

  private readonly cameraName = (id: string) => this.ctx.cameras.name(id);

  private card(alert: Alert, selected: boolean): TemplateResult {
    const lang = getLang();
    const occurrences = alert.occurrences ?? 1;
    const head = html`<div class="alert-head"><span class="sev sev-${alert.severity}">${t(`alert.severity.${alert.severity}`)}</span><span class="alert-title">${alertHeadline(alert)}</span>${
      occurrences > 1 ? html`<span class="occurrences" title=${t("alert.occurrencesBadge")}>× ${occurrences}</span>` : nothing
    }<span class="state state-${alert.state}">${t(`alert.state.${alert.state}`)}</span></div>`;
    const seenAgain = seenAgainText(alert, this.cameraName);
    const again = seenAgain ? html`<div class="seen-again"><time datetime=${alert.lastSeenAt ?? alert.ts}>${seenAgain}</time></div>` : nothing;
    const match = alert.matchKind === "fuzzy" ? t("alert.fuzzyMatch") : alert.matchKind === "partial" ? t("alert.partialMatch") : null;
    const meta = html`<div class="alert-meta"><span>${this.cameraName(alert.cameraId)}</span><time datetime=${alert.ts}>${formatDateTime(alert.ts, lang)}</time>${
      match ? html`<span class="fuzzy">${match}</span>` : nothing
    }</div>`;
    const onClick = (e: Event) => {
      if (!(e.target as HTMLElement).closest("textarea,button,fieldset")) this.select(alert.id);
    };
    return html`<article class="alert-card sev-${alert.severity} state-${alert.state}${selected ? " selected" : ""}" data-alert-id=${alert.id} data-type=${alert.type} role="listitem" tabindex="-1" @click=${onClick}>${head}${meta}${workflowBadges(alert)}${again}${
      selected ? this.details(alert) : nothing
    }</article>`;
  }

  private details(alert: Alert): TemplateResult {
    const open = alert.state !== "resolved";
    const supervisor = this.ctx.can("supervisor");
    const busy = this.busy.has(alert.id);
    // live(): compared with what the textarea holds now, so a re-render never overwrites typing.
    const note = html`<textarea class="note" rows="2" placeholder=${t("alerts.notePlaceholder")} maxlength="2000" aria-label=${t("alerts.note")} .value=${live(this.drafts.get(alert.id) ?? "")} @input=${(e: Event) =>
      this.drafts.set(alert.id, (e.target as HTMLTextAreaElement).value)}></textarea>`;
    const ack = html`<button class="btn primary" type="button" data-action="ack" ?disabled=${busy || alert.state !== "new"} @click=${() => void this.acknowledgeSelected()}>${t("alerts.acknowledge")}<kbd>a</kbd></button>`;
    const resolve = supervisor
      ? html`<button class="btn" type="button" data-action="resolve" ?disabled=${busy || alert.state === "resolved"} @click=${() => void this.resolveSelected()}>${t("alerts.resolve")}<kbd>r</kbd></button>`
      : nothing;
    const reason = reasonLine(alert);
    return html`<div class="alert-details">${this.evidence(alert)}${alertVideoTemplate(alert)}${reason}${this.history(alert)}${open && supervisor ? this.reasonPicker(alert) : nothing}${open ? note : nothing}${
      open ? html`<div class="actions">${ack}${resolve}</div>` : nothing
    }<div class="actions case-actions">${caseExportButton(this.ctx, alert)}</div></div>`;
  }

  /**
   * The newest picture (scene, crop beside it) opening the viewer, and a strip of every picture kept
   * when there are several; the viewer pages through them all.
   */
  private evidence(alert: Alert): TemplateResult | typeof nothing {
    const items = evidenceOf(alert);
    if (!items.length) return nothing;
    const open = (i: number) => this.viewer.open(items, i, (item) => evidenceCaption(item, this.cameraName));
    const newest = items.length - 1;
    const scene = alert.snapshot ?? items[newest]?.snapshot;
    const crop = alert.crop ?? [...items].reverse().find((e) => e.crop)?.crop;
    const sceneButton = scene
      ? html`<button class="evidence-open" type="button" data-action="open-evidence" title=${t("evidence.open")} aria-label=${t("evidence.open")} @click=${() => open(newest)}>${evidenceImageTemplate(
          scene,
          t("alerts.snapshot"),
          "evidence snapshot",
        )}</button>`
      : nothing;
    const strip =
      items.length > 1
        ? html`<div class="evidence-strip" aria-label=${t("evidence.pictures", { count: items.length })}>${items.map(
            (item: AlertEvidence, i) =>
              html`<button class="evidence-thumb" type="button" data-index=${i} title=${evidenceCaption(item, this.cameraName)} @click=${() => open(i)}>${evidenceImageTemplate(
                item.snapshot ?? item.crop,
                t("alerts.snapshot"),
                "thumb-img",
              )}</button>`,
          )}</div>`
        : nothing;
    return html`<div class="evidence-block"><div class="evidence-row">${sceneButton}${evidenceImageTemplate(crop, t("alerts.plateCrop"), "evidence crop")}</div>${strip}</div>`;
  }

  /** Raised, acknowledged (by, when, note), each sighting, resolved (by, when, reason, note): kept after resolve. */
  private history(alert: Alert): TemplateResult {
    const lang = getLang();
    const entries = historyOf(alert);
    const hidden = occurrencesNotListed(alert, entries);
    const firstOccurrence = entries.findIndex((e) => e.kind === "occurrence");
    const items = entries.map((entry) => {
      const { what, note } = historyText(alert, entry, this.cameraName);
      const kind = entry.kind ?? "state";
      return html`<li class="history-${kind} history-${entry.state}" data-state=${entry.state} data-kind=${kind}><time datetime=${entry.at}>${formatDateTime(entry.at, lang)}</time><span class="history-what">${what}</span>${
        note ? html`<q class="history-note">${note}</q>` : nothing
      }</li>`;
    });
    if (hidden > 0) items.splice(firstOccurrence < 0 ? 1 : firstOccurrence, 0, html`<li class="history-more muted">${t("history.notListed", { count: hidden })}</li>`);
    return html`<section class="alert-history"><h4>${t("history.title")}</h4><ol>${items}</ol></section>`;
  }

  /** One radio chip per resolve reason; a fire/smoke false alarm says its frame will be kept for retraining. */
  private reasonPicker(alert: Alert): TemplateResult {
    const chosen = this.reasons.get(alert.id);
    const isFire = alert.type === "fire" || alert.type === "smoke";
    const choose = (reason: AlertResolveReason) => {
      this.reasons.set(alert.id, reason);
      // Only this card's chips and hint change; the radio keeps keyboard focus (same nodes).
      this.render();
    };
    const chips = alertResolveReason.options.map(
      (reason) =>
        html`<label class="chip${chosen === reason ? " on" : ""}" data-reason=${reason}><input type="radio" name="resolve-reason-${alert.id}" value=${reason} .checked=${live(chosen === reason)} @change=${() =>
          choose(reason)}>${t(`resolveReason.${reason}`)}</label>`,
    );
    const hint = isFire ? html`<div class="muted small feedback-hint" ?hidden=${chosen !== "false_alarm"}>${t("alerts.feedbackHint")}</div>` : nothing;
    return html`<fieldset class="resolve-reasons"><legend>${t("alerts.resolveReason")}</legend><div class="chips" role="radiogroup">${chips}</div>${hint}</fieldset>`;
  }
}
