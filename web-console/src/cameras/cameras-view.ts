import type { CameraView } from "@vigil/contracts";
import type { AppContext } from "../app/context.js";
import { formatDateTime } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { h, replaceChildren } from "../ui/dom.js";
import { liveState, type LiveState } from "./camera-store.js";
import { cameraProblemText } from "./camera-problem.js";

const ORDER: Record<LiveState, number> = { offline: 0, degraded: 1, unknown: 2, online: 3 };

/** Every camera's health at a glance, worst first; click a row to fly to it. Updates live. */
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
    replaceChildren(
      this.summary,
      ...(["online", "degraded", "offline", "unknown"] as const).map((s) => h("span", { class: `pill state-${s}` }, h("span", { class: `dot state-${s}` }), `${t(`camera.state.${s}`)}: ${count(s)}`)),
    );
    if (cams.length === 0) return replaceChildren(this.body, h("div", { class: "empty" }, t("cameras.none")));
    const row = (c: CameraView) => {
      const s = c.status;
      const state = liveState(c);
      return h(
        "tr",
        { attrs: { "data-camera-id": c.id, tabindex: 0 }, on: { click: () => this.ctx.map.cameras.focus(c.id, { openPopup: true }) } },
        h("td", null, h("span", { class: `dot state-${state}` }), t(`camera.state.${state}`)),
        h("td", null, h("div", null, c.name), h("div", { class: "muted small" }, c.id)),
        h("td", { class: "num" }, s ? s.fps.toFixed(1) : "—"),
        h("td", null, formatDateTime(s?.lastFrameTs, lang)),
        h("td", { class: "num" }, s?.framesDropped === undefined ? "—" : String(s.framesDropped)),
        h("td", { class: "num" }, s?.restarts === undefined ? "—" : String(s.restarts)),
        h("td", { class: "error-cell" }, cameraProblemText(s)),
      );
    };
    replaceChildren(
      this.body,
      h(
        "table",
        { class: "data-table" },
        h(
          "thead",
          null,
          h("tr", null, ...[t("camera.status"), t("cameras.name"), t("camera.fps"), t("camera.lastFrame"), t("camera.drops"), t("cameras.restarts"), t("camera.error")].map((x) => h("th", null, x))),
        ),
        h("tbody", null, ...cams.map(row)),
      ),
    );
  }
}
