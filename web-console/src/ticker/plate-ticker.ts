import type { PlateEvent } from "@vigil/contracts";
import type { CameraStore } from "../cameras/camera-store.js";
import { formatClock } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { plateLabel } from "../ui/plate-label.js";

const MAX_ITEMS = 40;

/** The live plate-read strip along the bottom: newest on the left; click a read to search that plate. */
export class PlateTicker {
  readonly element: HTMLElement;
  private readonly track: HTMLElement;
  private readonly seen = new Map<string, HTMLElement>();

  constructor(
    private readonly cameras: CameraStore,
    private readonly onChoose: (plate: string) => void,
  ) {
    this.track = h("div", { class: "ticker-items" }, h("span", { class: "muted ticker-empty" }, t("ticker.waiting")));
    this.element = h("footer", { class: "ticker", attrs: { "aria-label": t("ticker.label") } }, h("span", { class: "ticker-label" }, t("ticker.label")), this.track);
  }

  add(event: PlateEvent): void {
    this.track.querySelector(".ticker-empty")?.remove();
    // A better reading of the same vehicle track comes under the same id: replace, don't repeat.
    this.seen.get(event.id)?.remove();
    const item = h(
      "button",
      { class: "ticker-item fresh", attrs: { type: "button", "data-plate": event.plate }, on: { click: () => this.onChoose(event.plate) } },
      h("time", null, formatClock(event.ts, getLang())),
      plateLabel(event.display, event.plate),
      h("span", { class: "muted" }, this.cameras.name(event.cameraId)),
    );
    this.seen.set(event.id, item);
    this.track.prepend(item);
    window.setTimeout(() => item.classList.remove("fresh"), 1500);
    while (this.track.children.length > MAX_ITEMS) {
      const last = this.track.lastElementChild as HTMLElement;
      for (const [id, el] of this.seen) if (el === last) this.seen.delete(id);
      last.remove();
    }
  }
}
