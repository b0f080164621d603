import L from "leaflet";
import { t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { FoldableMapControl } from "./foldable-control.js";
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
export class MapLegendControl extends FoldableMapControl {
  private readonly counts = new Map<string, HTMLElement>();
  private pending = false;

  constructor(
    private readonly cameras: CameraLayer,
    mapEl: HTMLElement,
    onOpen: () => void = () => undefined,
  ) {
    super({ position: "bottomleft" }, mapEl, onOpen);
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

  protected fitsOpen(): boolean {
    return this.mapEl.clientHeight >= SHORT_MAP_PX && this.mapEl.clientWidth >= NARROW_MAP_PX;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  protected render(): void {
    const counts = countStates(this.cameras.list().map((c) => c.state));
    for (const [state, el] of this.counts) el.textContent = String(counts[state as keyof typeof counts]);
  }
}
