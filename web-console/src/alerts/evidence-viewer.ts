import { isMediaUrlPath, type AlertEvidence } from "@vigil/contracts";
import { t } from "../i18n/index.js";
import { h, replaceChildren } from "../ui/dom.js";

const MIN_SCALE = 1;
const MAX_SCALE = 8;
const STEP = 1.25;

/** Clamps a zoom factor to what the viewer allows (1 = the picture fits the screen). */
export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The index `delta` pictures away, stopping at the ends (no wrap-around: the first and last are landmarks). */
export function stepIndex(index: number, delta: number, total: number): number {
  return Math.min(total - 1, Math.max(0, index + delta));
}

/**
 * Evidence full screen: the scene as large as the screen allows, zoomable with the wheel or the
 * buttons and draggable once zoomed, the plate crop beside it, prev/next through the alert's
 * pictures. While open it owns the keyboard (Esc closes, ← → browse, + − 0 zoom), so the console's
 * single-key shortcuts (a acknowledges!) cannot act behind it.
 */
export class EvidenceViewer {
  readonly element: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly scene: HTMLImageElement;
  private readonly crop: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly counter: HTMLElement;
  private readonly zoomLabel: HTMLElement;
  private readonly prevBtn: HTMLButtonElement;
  private readonly nextBtn: HTMLButtonElement;
  private items: AlertEvidence[] = [];
  private index = 0;
  private describe: (item: AlertEvidence) => string = () => "";
  private scale = 1;
  private pan = { x: 0, y: 0 };
  private drag: { x: number; y: number; panX: number; panY: number } | null = null;
  private returnFocus: HTMLElement | null = null;

  constructor() {
    const button = (action: string, label: string, text: string, onClick: () => void) =>
      h("button", { class: "btn icon", attrs: { type: "button", "data-action": action, "aria-label": label, title: label }, on: { click: onClick } }, text);
    this.scene = h("img", { class: "viewer-scene", attrs: { alt: t("alerts.snapshot"), draggable: "false" } });
    this.stage = h(
      "div",
      {
        class: "viewer-stage",
        on: {
          wheel: (e) => {
            e.preventDefault();
            this.zoom(e.deltaY < 0 ? STEP : 1 / STEP);
          },
          pointerdown: (e) => this.startDrag(e),
          pointermove: (e) => this.moveDrag(e),
          pointerup: () => (this.drag = null),
          pointercancel: () => (this.drag = null),
          dblclick: () => (this.scale > 1 ? this.fit() : this.zoom(2)),
        },
      },
      this.scene,
    );
    this.crop = h("aside", { class: "viewer-crop" });
    this.caption = h("div", { class: "viewer-caption" });
    this.counter = h("span", { class: "viewer-counter" });
    this.zoomLabel = h("span", { class: "viewer-zoom", attrs: { "aria-live": "polite" } });
    this.prevBtn = button("prev", t("evidence.previous"), "‹", () => this.go(-1));
    this.nextBtn = button("next", t("evidence.next"), "›", () => this.go(1));
    this.element = h(
      "div",
      {
        class: "evidence-viewer",
        attrs: { role: "dialog", "aria-modal": "true", "aria-label": t("evidence.viewer"), hidden: true, tabindex: -1 },
        on: { click: (e) => e.target === this.element && this.close() },
      },
      h(
        "div",
        { class: "viewer-bar" },
        this.counter,
        this.caption,
        h(
          "div",
          { class: "viewer-tools" },
          button("zoom-out", t("evidence.zoomOut"), "−", () => this.zoom(1 / STEP)),
          this.zoomLabel,
          button("zoom-in", t("evidence.zoomIn"), "+", () => this.zoom(STEP)),
          h("button", { class: "btn", attrs: { type: "button", "data-action": "fit" }, on: { click: () => this.fit() } }, t("evidence.fit")),
          button("close", t("evidence.close"), "✕", () => this.close()),
        ),
      ),
      h("div", { class: "viewer-body" }, this.prevBtn, this.stage, this.crop, this.nextBtn),
      h("div", { class: "viewer-hint muted small" }, t("evidence.hint")),
    );
    window.addEventListener("keydown", (e) => this.onKey(e), true);
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Opens on picture `index` of `items` (oldest first); `describe` gives each picture's caption. */
  open(items: AlertEvidence[], index: number, describe: (item: AlertEvidence) => string): void {
    if (!items.length) return;
    this.items = items;
    this.describe = describe;
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.element.hidden = false;
    this.show(stepIndex(index, 0, items.length));
    this.element.focus();
  }

  close(): void {
    if (!this.isOpen) return;
    this.element.hidden = true;
    this.scene.removeAttribute("src");
    this.returnFocus?.focus();
  }

  private show(index: number): void {
    this.index = index;
    const item = this.items[index]!;
    // Only this system's /media paths are ever fetched: a forged path must not make the browser call the API.
    const snapshot = item.snapshot && isMediaUrlPath(item.snapshot) ? item.snapshot : undefined;
    const cropSrc = item.crop && isMediaUrlPath(item.crop) ? item.crop : undefined;
    if (snapshot) this.scene.src = snapshot;
    else this.scene.removeAttribute("src");
    this.scene.hidden = !snapshot;
    const crop = cropSrc ? h("img", { class: "viewer-crop-img", attrs: { src: cropSrc, alt: t("alerts.plateCrop") } }) : null;
    replaceChildren(this.crop, crop ? h("div", { class: "muted small" }, t("alerts.plateCrop")) : null, crop);
    this.crop.hidden = !crop;
    this.caption.textContent = this.describe(item);
    this.counter.textContent = t("evidence.counter", { n: index + 1, total: this.items.length });
    this.prevBtn.disabled = index === 0;
    this.nextBtn.disabled = index === this.items.length - 1;
    this.fit();
  }

  private go(delta: number): void {
    const next = stepIndex(this.index, delta, this.items.length);
    if (next !== this.index) this.show(next);
  }

  private zoom(factor: number): void {
    this.scale = clampScale(this.scale * factor);
    if (this.scale === 1) this.pan = { x: 0, y: 0 };
    this.apply();
  }

  private fit(): void {
    this.scale = 1;
    this.pan = { x: 0, y: 0 };
    this.apply();
  }

  private apply(): void {
    this.scene.style.transform = `translate(${this.pan.x}px, ${this.pan.y}px) scale(${this.scale})`;
    this.stage.classList.toggle("zoomed", this.scale > 1);
    this.zoomLabel.textContent = `${Math.round(this.scale * 100)}%`;
  }

  private startDrag(e: PointerEvent): void {
    if (this.scale <= 1) return;
    this.drag = { x: e.clientX, y: e.clientY, panX: this.pan.x, panY: this.pan.y };
    this.stage.setPointerCapture(e.pointerId);
  }

  private moveDrag(e: PointerEvent): void {
    if (!this.drag) return;
    this.pan = { x: this.drag.panX + e.clientX - this.drag.x, y: this.drag.panY + e.clientY - this.drag.y };
    this.apply();
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.isOpen) return;
    const actions: Record<string, () => void> = {
      Escape: () => this.close(),
      ArrowLeft: () => this.go(-1),
      ArrowRight: () => this.go(1),
      "+": () => this.zoom(STEP),
      "=": () => this.zoom(STEP),
      "-": () => this.zoom(1 / STEP),
      "0": () => this.fit(),
    };
    const action = actions[e.key];
    // Tab and Enter keep their meaning on the viewer's own buttons; every other key stops here.
    if (!action && (e.key === "Tab" || e.key === "Enter" || e.key === " ")) return;
    e.stopPropagation();
    if (action) {
      e.preventDefault();
      action();
    }
  }
}
