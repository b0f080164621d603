import type { CameraView } from "@vigil/contracts";
import type { AppContext } from "../app/context.js";
import { formatDateTime } from "../format/time.js";
import { getLang, t, type Lang } from "../i18n/index.js";
import { html, nothing, render, type TemplateResult } from "lit-html";
import { guard } from "lit-html/directives/guard.js";
import { repeat } from "lit-html/directives/repeat.js";
import { h } from "../ui/dom.js";
import { keepFocus } from "../ui/templates.js";
import { liveState, type LiveState } from "./camera-store.js";
import { cameraProblemText } from "./camera-problem.js";

const ORDER: Record<LiveState, number> = { offline: 0, degraded: 1, unknown: 2, online: 3 };
/** After the restarts, so the columns before it keep their places. */
const UPTIME_COLUMN = 6;

/**
 * Share of the last 24 h the camera was up, as a percentage ("99,5%" in Vietnamese, "99.5%" in English). `null`: the
 * service knows no state for the window yet; absent: the service does not measure uptime.
 */
export function uptimeText(uptime: number | null | undefined, lang: Lang): string {
  if (uptime === undefined) return "—";
  if (uptime === null) return t("cameras.uptimeUnknown", undefined, lang);
  return new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(uptime);
}

/**
 * Every camera's health at a glance, worst first; click a row to fly to it. Updates live, keyed by
 * camera id: a status redraws that camera's row only (a re-sort moves rows, it does not rebuild them).
 */
export class CamerasView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly summary: HTMLElement;
  private pending = false;

  constructor(private readonly ctx: AppContext) {
    this.body = h("div", { class: "cameras-table" });
    this.summary = h("div", { class: "camera-summary" });
    this.element = h(
      "section",
      { class: "panel cameras-panel", attrs: { "data-view": "cameras" } },
      h("header", { class: "panel-header" }, h("h2", null, t("cameras.title"))),
      this.summary,
      this.body,
    );
    // Coalesced to one redraw a frame: hundreds of cameras can report within the same moment.
    const schedule = () => {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        this.render();
      });
    };
    ctx.cameras.changed.on(schedule);
    ctx.cameras.reset.on(schedule);
  }

  render(): void {
    const lang = getLang();
    const cams = this.ctx.cameras.list().sort((a, b) => ORDER[liveState(a)] - ORDER[liveState(b)] || a.name.localeCompare(b.name, "vi", { numeric: true }));
    const count = (s: LiveState) => cams.filter((c) => liveState(c) === s).length;
    render(
      (["online", "degraded", "offline", "unknown"] as const).map((s) => html`<span class="pill state-${s}"><span class="dot state-${s}"></span>${t(`camera.state.${s}`)}: ${count(s)}</span>`),
      this.summary,
    );
    const focused = document.activeElement;
    render(cams.length === 0 ? html`<div class="empty">${t("cameras.none")}</div>` : this.table(cams, lang), this.body);
    keepFocus(focused, this.body);
  }

  private table(cams: CameraView[], lang: Lang): TemplateResult {
    const headers = [t("camera.status"), t("cameras.name"), t("camera.fps"), t("camera.lastFrame"), t("camera.drops"), t("cameras.restarts"), t("cameras.uptime24h"), t("camera.error")];
    // The store replaces a camera's object on every change, so an unchanged object is an unchanged row.
    const rows = repeat(cams, (c) => c.id, (c) => guard([c], () => this.row(c, lang)));
    const hint = (i: number) => (i === UPTIME_COLUMN ? t("cameras.uptime24hHint") : nothing);
    return html`<table class="data-table"><thead><tr>${headers.map((x, i) => html`<th title=${hint(i)}>${x}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
  }

  private row(c: CameraView, lang: Lang): TemplateResult {
    const s = c.status;
    const state = liveState(c);
    const focus = () => this.ctx.map.cameras.focus(c.id, { openPopup: true });
    return html`<tr data-camera-id=${c.id} tabindex="0" @click=${focus}><td><span class="dot state-${state}"></span>${t(`camera.state.${state}`)}</td><td><div>${c.name}</div><div class="muted small">${c.id}</div>${
      c.liveView !== false ? html`<button class="btn small live-open" type="button" data-live-camera=${c.id}>▶ ${t("liveView.open")}</button>` : nothing
    }</td><td class="num">${
      s ? s.fps.toFixed(1) : "—"
    }</td><td>${formatDateTime(s?.lastFrameTs, lang)}</td><td class="num">${s?.framesDropped === undefined ? "—" : String(s.framesDropped)}</td><td class="num">${
      s?.restarts === undefined ? "—" : String(s.restarts)
    }</td><td class="num uptime" data-uptime=${c.uptime24h ?? nothing}>${uptimeText(c.uptime24h, lang)}</td><td class="error-cell">${cameraProblemText(s)}</td></tr>`;
  }
}
