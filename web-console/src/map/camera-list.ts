import L from "leaflet";
import { t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { FoldableMapControl } from "./foldable-control.js";
import type { CameraLayer, CameraOnMap } from "./camera-layer.js";
import { liveViewButton } from "../live/live-view.js";
import { matchesQuery } from "./camera-list-model.js";

/** Below this map width the list starts folded and folds itself after a pick, so the popup is not hidden under it. */
const NARROW_MAP_PX = 760;

/**
 * The cameras by name on the map's right edge, each with its state's colour: a click flies there and
 * opens the camera's popup. A filter finds a camera by part of its name, with or without tone marks.
 * Folds into one button on small screens.
 */
export class CameraListControl extends FoldableMapControl {
  private readonly rows = h("ul", { class: "cam-list-rows", attrs: { role: "list" } });
  private readonly count = h("span", { class: "cam-list-count" });
  private readonly empty = h("p", { class: "cam-list-empty muted small", attrs: { hidden: true } }, t("map.list.empty"));
  private readonly filter: HTMLInputElement;
  private readonly byId = new Map<string, HTMLElement>();
  private pending = false;
  private dirty: Set<string> | "all" = "all";

  constructor(
    private readonly cameras: CameraLayer,
    mapEl: HTMLElement,
    onOpen: () => void = () => undefined,
  ) {
    super({ position: "topright" }, mapEl, onOpen);
    this.filter = h("input", {
      class: "cam-list-filter",
      attrs: { type: "search", placeholder: t("map.list.filter"), "aria-label": t("map.list.filter"), autocomplete: "off", spellcheck: "false" },
      on: { input: () => this.render() },
    });
    this.toggle = h(
      "button",
      { class: "cam-list-toggle", attrs: { type: "button", "aria-expanded": "true", title: t("map.list.toggle") }, on: { click: () => this.userToggle() } },
      h("span", { class: "cam-list-title" }, t("map.list.title")),
      this.count,
      h("span", { class: "cam-list-caret", attrs: { "aria-hidden": "true" } }),
    );
    this.body = h("div", { class: "cam-list-body" }, this.filter, this.rows, this.empty);
    this.element = h("section", { class: "cam-list leaflet-bar", attrs: { "aria-label": t("map.list.title") } }, this.toggle, this.body);
    L.DomEvent.disableClickPropagation(this.element);
    L.DomEvent.disableScrollPropagation(this.element);
    cameras.changed.on((id) => this.schedule(id));
  }

  protected fitsOpen(): boolean {
    return this.mapEl.clientWidth >= NARROW_MAP_PX;
  }

  /** Status messages arrive in bursts: one redraw per frame at most, and only of the rows that changed. */
  private schedule(cameraId: string | null): void {
    if (cameraId === null) this.dirty = "all";
    else if (this.dirty !== "all") this.dirty.add(cameraId);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const dirty = this.dirty;
      this.dirty = new Set();
      if (dirty === "all") this.render();
      else for (const id of dirty) this.refreshRow(id);
    });
  }

  protected render(): void {
    const all = this.cameras.list();
    const query = this.filter.value;
    const shown = all.filter((c) => matchesQuery(c.camera, query));
    this.count.textContent = query.trim() ? `${shown.length}/${all.length}` : String(all.length);
    this.empty.hidden = shown.length > 0 || all.length === 0;
    this.byId.clear();
    this.rows.replaceChildren(
      ...shown.map((c) => {
        const button = h("button", { class: "cam-list-item", attrs: { type: "button", "data-camera-id": c.camera.id }, on: { click: () => this.pick(c.camera.id) } });
        this.fill(button, c);
        this.byId.set(c.camera.id, button);
        return h("li", null, button, c.camera.liveView !== false ? liveViewButton(c.camera.id, "btn icon small cam-list-live") : null);
      }),
    );
  }

  /** Updates one row in place: the operator's focus and scroll position stay where they are. */
  private refreshRow(cameraId: string): void {
    const button = this.byId.get(cameraId);
    const c = this.cameras.item(cameraId);
    if (button && c) this.fill(button, c);
  }

  private fill(button: HTMLElement, { camera, state, flashing }: CameraOnMap): void {
    button.className = `cam-list-item state-${state}${flashing ? " flashing" : ""}`;
    button.title = `${camera.name} — ${t(`camera.state.${state}`)}`;
    button.replaceChildren(
      h("span", { class: `dot state-${state}`, attrs: { "aria-hidden": "true" } }),
      h("span", { class: "cam-list-name" }, camera.name),
      h("span", { class: "cam-list-state" }, t(`camera.state.${state}`)),
    );
  }

  private pick(cameraId: string): void {
    if (this.mapEl.clientWidth < NARROW_MAP_PX) this.setOpen(false);
    this.cameras.focus(cameraId, { openPopup: true });
  }
}
