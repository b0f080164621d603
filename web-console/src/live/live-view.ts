import type { CameraView } from "@vigil/contracts";
import type { CameraStore } from "../cameras/camera-store.js";
import { liveState } from "../cameras/camera-store.js";
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { LivePlayer, type PlayerState } from "./live-player.js";
import "./live.css";

/** A 2×2 wall: four streams at once (browsers keep six HTTP/1.1 connections per server). */
export const MAX_TILES = 4;

/**
 * Any element with `data-live-camera="<camera id>"` opens that camera's live view when clicked (map
 * popups, the camera list, alert cards): the views only add the attribute, this module does the rest.
 */
export const LIVE_CAMERA_ATTR = "data-live-camera";

/** A button other views put next to a camera: opens its live view (handled here by event delegation). */
export function liveViewButton(cameraId: string, className = "btn small"): HTMLButtonElement {
  return h("button", { class: `${className} live-open`, attrs: { type: "button", [LIVE_CAMERA_ATTR]: cameraId, title: t("liveView.open") } }, `▶ ${t("liveView.open")}`);
}

interface Tile {
  cameraId: string;
  element: HTMLElement;
  state: HTMLElement;
  player: LivePlayer;
  playerState: PlayerState;
}

/**
 * The live panel: up to four camera tiles (one fills the panel, more make a 2×2 wall), each with the
 * camera's name and status and its video; the panel can be enlarged over the map. Opening a fifth
 * camera replaces the oldest tile. Closing a tile closes its stream (the server stops sending at once).
 */
export class LiveWall {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly enlarge: HTMLButtonElement;
  private readonly tiles: Tile[] = [];
  private enlarged = false;

  constructor(
    private readonly cameras: CameraStore,
    private readonly toast: (message: string) => void,
  ) {
    this.grid = h("div", { class: "live-grid" });
    this.enlarge = h("button", { class: "btn small", attrs: { type: "button", "data-action": "live-enlarge" }, on: { click: () => this.setEnlarged(!this.enlarged) } });
    const closeAll = h("button", { class: "btn small", attrs: { type: "button", "data-action": "live-close-all" }, on: { click: () => this.closeAll() } }, t("liveView.closeAll"));
    this.element = h(
      "section",
      { class: "live-wall", attrs: { hidden: true, "aria-label": t("liveView.title"), "data-live-wall": "" } },
      h("header", { class: "live-wall-bar" }, h("strong", null, t("liveView.title")), h("span", { class: "spacer" }), this.enlarge, closeAll),
      this.grid,
    );
    this.setEnlarged(false);
    cameras.changed.on((cam) => this.tiles.filter((tile) => tile.cameraId === cam.id).forEach((tile) => this.renderState(tile, cam)));
    document.addEventListener("click", (e) => {
      const target = (e.target as Element | null)?.closest?.(`[${LIVE_CAMERA_ATTR}]`);
      const id = target?.getAttribute(LIVE_CAMERA_ATTR);
      if (!id) return;
      e.preventDefault();
      e.stopPropagation();
      this.open(id);
    });
  }

  /** Shows the camera (a tile that is already open stays and is pointed out). */
  open(cameraId: string): void {
    const existing = this.tiles.find((tile) => tile.cameraId === cameraId);
    if (existing) {
      existing.element.classList.add("flash");
      window.setTimeout(() => existing.element.classList.remove("flash"), 800);
    } else {
      if (this.tiles.length >= MAX_TILES) {
        this.close(this.tiles[0]!);
        this.toast(t("liveView.wallFull"));
      }
      const tile = this.createTile(cameraId);
      this.tiles.push(tile);
      this.grid.append(tile.element);
    }
    this.layout();
  }

  get openCameras(): string[] {
    return this.tiles.map((tile) => tile.cameraId);
  }

  closeAll(): void {
    for (const tile of [...this.tiles]) this.close(tile);
    this.setEnlarged(false);
    this.layout();
  }

  private createTile(cameraId: string): Tile {
    const state = h("span", { class: "live-state" });
    const name = h("span", { class: "live-name" }, this.cameras.name(cameraId));
    const tile = { cameraId, state, playerState: "connecting" } as Tile;
    tile.player = new LivePlayer(cameraId, (s) => {
      tile.playerState = s;
      this.renderState(tile, this.cameras.get(cameraId));
    });
    const close = h("button", { class: "btn icon small", attrs: { type: "button", "data-action": "live-close", title: t("liveView.close"), "aria-label": t("liveView.close") }, on: { click: () => (this.close(tile), this.layout()) } }, "✕");
    tile.element = h(
      "figure",
      { class: "live-tile", attrs: { "data-live-tile": cameraId } },
      h("figcaption", { class: "live-tile-bar" }, name, state, close),
      tile.player.video,
    );
    // A double click on the picture enlarges the panel (or makes it smaller again).
    tile.player.video.addEventListener("dblclick", () => this.setEnlarged(!this.enlarged));
    this.renderState(tile, this.cameras.get(cameraId));
    tile.player.start();
    return tile;
  }

  private renderState(tile: Tile, cam: CameraView | undefined): void {
    const camState = cam ? liveState(cam) : "unknown";
    const s = tile.playerState;
    const key: MessageKey =
      s === "refused"
        ? tile.player.refusedStatus === 403 || tile.player.refusedStatus === 429
          ? `liveView.refused.${tile.player.refusedStatus}`
          : "liveView.refused.other"
        : `liveView.${s}`;
    tile.state.textContent = `${t(`camera.state.${camState}`)} · ${t(key)}`;
    tile.state.dataset.state = camState;
    tile.element.dataset.player = s;
  }

  private close(tile: Tile): void {
    tile.player.close();
    tile.element.remove();
    this.tiles.splice(this.tiles.indexOf(tile), 1);
  }

  private setEnlarged(on: boolean): void {
    this.enlarged = on;
    this.element.classList.toggle("enlarged", on);
    this.enlarge.textContent = on ? t("liveView.shrink") : t("liveView.enlarge");
  }

  private layout(): void {
    this.grid.dataset.count = String(this.tiles.length);
    this.element.hidden = this.tiles.length === 0;
  }
}
