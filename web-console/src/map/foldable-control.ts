import L from "leaflet";

/**
 * A map panel that opens and folds (the camera list, the legend): open or folded by the map's size
 * until the operator chooses, and folded by the map when another panel opens where both do not fit.
 * Subclasses build `element`, `body` and `toggle` (wired to `userToggle`) and say when they fit open.
 */
export abstract class FoldableMapControl extends L.Control {
  protected element!: HTMLElement;
  protected body!: HTMLElement;
  protected toggle!: HTMLButtonElement;
  /** The operator opened or folded it: the map's size no longer decides. */
  private chosen = false;

  constructor(
    options: L.ControlOptions,
    protected readonly mapEl: HTMLElement,
    /** Called when the operator opens it (the map then folds the other panel where both do not fit). */
    private readonly onOpen: () => void,
  ) {
    super(options);
  }

  /** Whether the map is big enough for it to start open. */
  protected abstract fitsOpen(): boolean;
  protected abstract render(): void;

  override onAdd(map: L.Map): HTMLElement {
    // The console lays itself out after the map is built (top bar, banner, side panel), so the size
    // is looked at again on every resize.
    const fit = () => this.chosen || this.setOpen(this.fitsOpen());
    fit();
    map.on("resize", fit);
    this.render();
    return this.element;
  }

  protected userToggle(): void {
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
}
