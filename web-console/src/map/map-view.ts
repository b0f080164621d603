import L from "leaflet";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.css";
import type { MapConfigResponse } from "@vigil/contracts";
import { configuredTileUrl } from "./tile-config.js";
import { CameraLayer } from "./camera-layer.js";
import { CameraListControl } from "./camera-list.js";
import { MapLegendControl } from "./map-legend.js";
import { addStreetMap } from "./street-map.js";
import { TrackLayer } from "./track-layer.js";
import { safeStorage } from "../ui/storage.js";
import "./map.css";

/** The demo area: central Hồ Chí Minh City. */
export const DEFAULT_CENTER: L.LatLngTuple = [10.776, 106.7];
export const DEFAULT_ZOOM = 14;

export interface MapController {
  map: L.Map;
  cameras: CameraLayer;
  track: TrackLayer;
  /** Fits the map to the cameras (or the demo area when there are none). */
  fitCameras(): void;
}

/**
 * The map: street tiles or offline outlines (street-map.ts), camera markers with their names on
 * hover, a camera list and a legend. `loadConfig` asks the alert service which street map to draw.
 */
export function createMap(container: HTMLElement, onCameraSelect: (cameraId: string) => void, loadConfig?: () => Promise<MapConfigResponse>): MapController {
  const map = L.map(container, {
    center: DEFAULT_CENTER,
    zoom: DEFAULT_ZOOM,
    minZoom: 10,
    maxZoom: 19,
    zoomControl: true,
    attributionControl: true,
    preferCanvas: false,
    worldCopyJump: false,
  });
  map.attributionControl.setPrefix(false);
  let tilesBounds: L.LatLngBounds | null = null;
  void addStreetMap(map, container, { override: configuredTileUrl(window.location.search, safeStorage()), ...(loadConfig ? { loadConfig } : {}) }).then((b) => (tilesBounds = b));
  const zoomClass = () => {
    const z = map.getZoom();
    container.classList.toggle("zoom-low", z < 13);
    container.classList.toggle("zoom-mid", z >= 13 && z < 15);
  };
  // The console's layout moves under the map (the alarm banner, the side panel's width, a wrapped top
  // bar) without a window resize, which is all Leaflet watches: without this it keeps its old size.
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => map.invalidateSize()).observe(container);
  map.on("zoomend", zoomClass);
  zoomClass();
  const cameras = new CameraLayer(map, onCameraSelect);
  const track = new TrackLayer(map);
  // Where the list and the legend would overlap (a narrow map), opening one folds the other.
  const narrow = () => container.clientWidth < 600;
  const list: CameraListControl = new CameraListControl(cameras, container, () => narrow() && legend.fold());
  const legend: MapLegendControl = new MapLegendControl(cameras, container, () => narrow() && list.fold());
  list.addTo(map);
  legend.addTo(map);
  return {
    map,
    cameras,
    track,
    fitCameras() {
      map.invalidateSize();
      const b = cameras.bounds();
      if (b) map.fitBounds(b.pad(0.2), { maxZoom: 16 });
      else if (tilesBounds) map.fitBounds(tilesBounds);
      else map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    },
  };
}
