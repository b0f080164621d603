import L from "leaflet";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.css";
import { addOfflineBasemap } from "./basemap.js";
import { configuredTileUrl } from "./tile-config.js";
import { CameraLayer } from "./camera-layer.js";
import { TrackLayer } from "./track-layer.js";
import { t } from "../i18n/index.js";

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

export function createMap(container: HTMLElement, onCameraSelect: (cameraId: string) => void): MapController {
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
  const tileUrl = configuredTileUrl(window.location.search, safeStorage());
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
  else map.attributionControl.addAttribution(t("map.offlineCredit"));
  void addOfflineBasemap(map, { overTiles: tileUrl !== null });
  const zoomClass = () => {
    const z = map.getZoom();
    container.classList.toggle("zoom-low", z < 13);
    container.classList.toggle("zoom-mid", z >= 13 && z < 15);
  };
  map.on("zoomend", zoomClass);
  zoomClass();
  const cameras = new CameraLayer(map, onCameraSelect);
  const track = new TrackLayer(map);
  return {
    map,
    cameras,
    track,
    fitCameras() {
      map.invalidateSize();
      const b = cameras.bounds();
      if (b) map.fitBounds(b.pad(0.2), { maxZoom: 16 });
      else map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    },
  };
}

function safeStorage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}
