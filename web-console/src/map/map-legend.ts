import L from "leaflet";
import { t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import type { CameraLayer } from "./camera-layer.js";
import { countStates, LEGEND_STATES } from "./camera-list-model.js";

/** On a map smaller than this the legend starts folded (800×600 leaves little map beside the alerts). */
const SHORT_MAP_PX = 520;
const NARROW_MAP_PX = 480;

/**
 * What the map's symbols mean, drawn with the markers' own classes so the two cannot drift apart:
 * each state with how many cameras are in it now, a flashing marker (new urgent alert), a cluster
 * bubble and a field-of-view cone.
 */
export class MapLegendControl extends L.Control {
  private readonly element: HTMLElement;
  private readonly counts = new Map<string, HTMLElement>();
  private readonly body: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private pending = false;
  /** The operator opened or folded it: the map's size no longer decides. */
  private chosen = false;

  constructor(
    private readonly cameras: CameraLayer,
    private readonly mapEl: HTMLElement,
    /** Called when the operator opens it (the map then folds the other panel where both do not fit). */
    private readonly onOpen: () => void = () => undefined,
  ) {
    super({ position: "bottomleft" });
    const row = (swatch: HTMLElement, label: string, count?: HTMLElement) => h("li", null, h("span", { class: "legend-swatch" }, swatch), h("span", { class: "legend-label" }, label), count ?? null);
    const stateRows = LEGEND_STATES.map((state) => {
      const count = h("span", { class: "legend-count" }, "0");
      this.counts.set(state, count);
      return h("li", { attrs: { "data-state": state } }, h("span", { class: "legend-swatch" }, h("span", { class: `legend-marker cam-marker state-${state}` })), h("span", { class: "legend-label" }, t(`camera.state.${state}`)), count);
    });
    this.body = h(
      "ul",
      { class: "legend-rows" },
      ...stateRows,
      row(h("span", { class: "legend-marker cam-marker state-online flashing" }), t("map.legend.alert")),
      row(h("span", { class: "legend-cluster cam-cluster state-degraded" }, "12"), t("map.legend.cluster")),
      row(h("span", { class: "legend-cone" }), t("map.legend.cone")),
    );
    this.toggle = h(
      "button",
      { class: "legend-toggle", attrs: { type: "button", "aria-expanded": "true", title: t("map.legend.toggle") }, on: { click: () => this.userToggle() } },
      t("map.legend.title"),
      h("span", { class: "legend-caret", attrs: { "aria-hidden": "true" } }),
    );
    this.element = h("section", { class: "map-legend leaflet-bar", attrs: { "aria-label": t("map.legend.title") } }, this.toggle, this.body);
    L.DomEvent.disableClickPropagation(this.element);
    L.DomEvent.disableScrollPropagation(this.element);
    cameras.changed.on(() => this.schedule());
  }

  override onAdd(map: L.Map): HTMLElement {
    // Open or folded by the map's size until the operator chooses: the console lays itself out after
    // the map is built (top bar, banner, side panel), so the size is looked at again on every resize.
    const fit = () => this.chosen || this.setOpen(this.mapEl.clientHeight >= SHORT_MAP_PX && this.mapEl.clientWidth >= NARROW_MAP_PX);
    fit();
    map.on("resize", fit);
    this.render();
    return this.element;
  }

  private userToggle(): void {
    const open = this.body.hidden;
    this.chosen = true;
    this.setOpen(open);
    if (open) this.onOpen();
  }

  /** Folds it as if the operator had (the other panel was opened where both do not fit). */
  fold(): void {
    this.chosen = true;
    this.setOpen(false);
  }

  setOpen(open: boolean): void {
    this.body.hidden = !open;
    this.element.classList.toggle("open", open);
    this.toggle.setAttribute("aria-expanded", String(open));
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  private render(): void {
    const counts = countStates(this.cameras.list().map((c) => c.state));
    for (const [state, el] of this.counts) el.textContent = String(counts[state as keyof typeof counts]);
  }
}
