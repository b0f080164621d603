import type { CameraView } from "@vigil/contracts";
import L from "leaflet";
import "leaflet.markercluster";
import { liveState, worstState, type LiveState } from "../cameras/camera-store.js";
import { cameraProblemText } from "../cameras/camera-problem.js";
import { snapshotWithFireZones } from "../cameras/fire-zones-overlay.js";
import { formatDateTime } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { Emitter } from "../app/emitter.js";
import { liveViewButton } from "../live/live-view.js";
import { DEFAULT_FOV_DEG, DEFAULT_RANGE_M, fovCone } from "./fov.js";

/** Cones only from this zoom in; at city scale hundreds of cones are noise. */
const CONE_MIN_ZOOM = 15;
const FLASH_MS = 12_000;

const STATE_COLOR: Record<LiveState, string> = { online: "#2fbf71", degraded: "#f0a030", offline: "#e5484d", unknown: "#7d8795" };

/** A camera as its marker shows it. */
export interface CameraOnMap {
  camera: CameraView;
  state: LiveState;
  flashing: boolean;
}

interface CameraEntry {
  camera: CameraView;
  marker: L.Marker;
  cone: L.Polygon | null;
}

/**
 * Camera markers (coloured by live status, clustered, with a popup) and their field-of-view cones.
 * Clusters take the colour of their worst camera, so an offline camera is visible at any zoom.
 */
export class CameraLayer {
  private readonly entries = new Map<string, CameraEntry>();
  private readonly cluster: L.MarkerClusterGroup;
  private readonly cones = L.layerGroup();
  private readonly flashing = new Map<string, number>();
  /** A camera's state, name or flashing changed (its id), or the whole list was replaced (null): the side list and legend redraw. */
  readonly changed = new Emitter<string | null>();

  constructor(
    private readonly map: L.Map,
    private readonly onSelect: (cameraId: string) => void = () => undefined,
  ) {
    this.cluster = L.markerClusterGroup({
      maxClusterRadius: 60,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (cluster) => {
        const states = cluster.getAllChildMarkers().map((m) => (m.options as { vigilState?: LiveState }).vigilState ?? "unknown");
        const worst = worstState(states);
        const flash = cluster.getAllChildMarkers().some((m) => (m.options as { vigilFlash?: boolean }).vigilFlash);
        const el = h("div", { class: `cam-cluster state-${worst}${flash ? " flashing" : ""}` }, String(cluster.getChildCount()));
        return L.divIcon({ html: el, className: "cam-cluster-wrap", iconSize: [34, 34] });
      },
    });
    this.cluster.addTo(map);
    map.on("zoomend", () => this.updateConeVisibility());
    this.updateConeVisibility();
  }

  setCameras(cameras: readonly CameraView[]): void {
    this.cluster.clearLayers();
    this.cones.clearLayers();
    this.entries.clear();
    const markers: L.Marker[] = [];
    for (const cam of cameras) {
      const entry = this.createEntry(cam);
      this.entries.set(cam.id, entry);
      markers.push(entry.marker);
      if (entry.cone) this.cones.addLayer(entry.cone);
    }
    this.cluster.addLayers(markers);
    this.changed.emit(null);
  }

  /** Every camera with what its marker shows, in the store's order (by name). */
  list(): CameraOnMap[] {
    return [...this.entries.values()].map((e) => this.onMap(e));
  }

  item(cameraId: string): CameraOnMap | undefined {
    const e = this.entries.get(cameraId);
    return e && this.onMap(e);
  }

  private onMap(e: CameraEntry): CameraOnMap {
    return { camera: e.camera, state: liveState(e.camera), flashing: !!(e.marker.options as { vigilFlash?: boolean }).vigilFlash };
  }

  update(camera: CameraView): void {
    const entry = this.entries.get(camera.id);
    if (!entry) return;
    const before = liveState(entry.camera);
    const renamed = entry.camera.name !== camera.name;
    entry.camera = camera;
    const state = liveState(camera);
    if (state !== before) {
      (entry.marker.options as { vigilState?: LiveState }).vigilState = state;
      entry.marker.setIcon(this.icon(camera.id, state));
      entry.cone?.setStyle(this.coneStyle(state));
      this.cluster.refreshClusters(entry.marker);
    }
    if (entry.marker.isPopupOpen()) entry.marker.setPopupContent(this.popup(camera));
    if (state !== before || renamed) this.changed.emit(camera.id);
  }

  /** Flashes a camera's marker (and its cluster) for a new urgent alert. */
  flash(cameraId: string): void {
    const entry = this.entries.get(cameraId);
    if (!entry) return;
    window.clearTimeout(this.flashing.get(cameraId));
    this.setFlash(entry, true);
    this.flashing.set(
      cameraId,
      window.setTimeout(() => this.setFlash(entry, false), FLASH_MS),
    );
  }

  /** Flies to a camera, opening its cluster if needed. */
  focus(cameraId: string, { openPopup = false, zoom = 16 } = {}): boolean {
    const entry = this.entries.get(cameraId);
    if (!entry) return false;
    const target = entry.marker.getLatLng();
    // Another camera's popup left open would hide what the operator is being sent to look at.
    this.map.closePopup();
    this.map.flyTo(target, Math.max(this.map.getZoom(), zoom), { duration: 0.8 });
    this.map.once("moveend", () => {
      this.cluster.zoomToShowLayer(entry.marker, () => {
        if (openPopup) entry.marker.openPopup();
      });
    });
    return true;
  }

  bounds(): L.LatLngBounds | null {
    const b = this.cluster.getBounds();
    return b.isValid() ? b : null;
  }

  private setFlash(entry: CameraEntry, on: boolean): void {
    (entry.marker.options as { vigilFlash?: boolean }).vigilFlash = on;
    entry.marker.setIcon(this.icon(entry.camera.id, liveState(entry.camera), on));
    this.cluster.refreshClusters(entry.marker);
    this.changed.emit(entry.camera.id);
  }

  private createEntry(camera: CameraView): CameraEntry {
    const state = liveState(camera);
    const marker = L.marker([camera.lat, camera.lon], {
      icon: this.icon(camera.id, state),
      keyboard: false,
      riseOnHover: true,
    });
    (marker.options as { vigilState?: LiveState }).vigilState = state;
    marker.bindPopup(() => this.popup(this.entries.get(camera.id)?.camera ?? camera), { minWidth: 240, maxWidth: 320 });
    marker.on("click", () => this.onSelect(camera.id));
    // The name on hover (a Leaflet tooltip, not the browser's slow `title`), as text: names are typed by people.
    marker.bindTooltip(() => h("span", { class: "cam-tooltip-name" }, this.entries.get(camera.id)?.camera.name ?? camera.name), { direction: "top", offset: [0, -10], className: "cam-tooltip", opacity: 1 });
    const points = fovCone([camera.lat, camera.lon], {
      heading: camera.heading ?? 0,
      fovDeg: camera.fovDeg ?? DEFAULT_FOV_DEG,
      rangeM: camera.rangeM ?? DEFAULT_RANGE_M,
    });
    const cone = camera.heading === undefined || !points ? null : L.polygon(points, { ...this.coneStyle(state), interactive: false });
    return { camera, marker, cone };
  }

  private icon(cameraId: string, state: LiveState, flash = false): L.DivIcon {
    const el = h("div", { class: `cam-marker state-${state}${flash ? " flashing" : ""}`, attrs: { "data-camera-id": cameraId } });
    return L.divIcon({ html: el, className: "cam-marker-wrap", iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8] });
  }

  private coneStyle(state: LiveState): L.PathOptions {
    return { color: STATE_COLOR[state], weight: 1, opacity: 0.5, fillColor: STATE_COLOR[state], fillOpacity: 0.12 };
  }

  private updateConeVisibility(): void {
    const show = this.map.getZoom() >= CONE_MIN_ZOOM;
    if (show && !this.map.hasLayer(this.cones)) this.cones.addTo(this.map);
    if (!show && this.map.hasLayer(this.cones)) this.cones.remove();
  }

  private popup(camera: CameraView): HTMLElement {
    const lang = getLang();
    const state = liveState(camera);
    const s = camera.status;
    const row = (label: string, value: string) => h("tr", null, h("th", null, label), h("td", null, value));
    // Zones and sensitivity only mean something where fire is analysed.
    const fire = camera.analytics.includes("fire");
    return h(
      "div",
      { class: "cam-popup", attrs: { "data-camera-id": camera.id } },
      h("div", { class: "cam-popup-title" }, h("span", { class: `dot state-${state}` }), camera.name),
      camera.liveView !== false ? liveViewButton(camera.id) : null,
      h(
        "table",
        null,
        row(t("camera.status"), t(`camera.state.${state}`)),
        row(t("camera.fps"), s ? s.fps.toFixed(1) : "—"),
        row(t("camera.lastFrame"), formatDateTime(s?.lastFrameTs, lang)),
        row(t("camera.drops"), s?.framesDropped !== undefined ? String(s.framesDropped) : "—"),
        s?.error || s?.errorCode ? row(t("camera.error"), cameraProblemText(s)) : null,
        ...(fire
          ? [
              row(t("camera.fireSensitivity"), t(`camera.fireSensitivity.${camera.fireSensitivity ?? "normal"}`)),
              row(t("camera.fireZones"), camera.fireZones?.length ? String(camera.fireZones.length) : t("camera.fireZones.none")),
            ]
          : []),
      ),
      snapshotWithFireZones(fire ? camera : { ...camera, fireZones: [] }),
    );
  }
}
