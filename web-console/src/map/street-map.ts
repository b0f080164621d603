import type { MapConfigResponse, MapTiles } from "@vigil/contracts";
import L from "leaflet";
import { t } from "../i18n/index.js";
import { addOfflineBasemap } from "./basemap.js";
import { escapeHtml, tilesCredit } from "./map-credit.js";

/** Tiles that all fail before one loads: the tile server is unreachable, and the outlines are better than black. */
const FAILED_TILES_BEFORE_FALLBACK = 6;

export type BasemapKind = "tiles" | "outlines";

export interface StreetMapOptions {
  /** A template from `?tiles=` (tile-config.ts): this machine's choice beats the server's. */
  override: string | null;
  /** The server's street map (GET /api/v1/map/config); absent or failing: the outlines. */
  loadConfig?: () => Promise<MapConfigResponse>;
}

/**
 * Puts the street map under the cameras: a raster tile layer when one is configured (this machine's
 * `?tiles=`, else the alert service's MAP_TILES_URL or local MBTiles file), else the offline outlines.
 * The kind drawn is left on the container as `data-basemap`. Resolves with the tiles' bounds, if any.
 */
export async function addStreetMap(map: L.Map, container: HTMLElement, o: StreetMapOptions): Promise<L.LatLngBounds | null> {
  const tiles: MapTiles | null = o.override
    ? { source: "url", url: o.override, minZoom: 0, maxZoom: 19 }
    : await (o.loadConfig?.().then((c) => c.tiles, () => null) ?? Promise.resolve(null));
  if (!tiles) {
    useOutlines(map, container);
    return null;
  }
  const bounds = tiles.bounds ? L.latLngBounds([tiles.bounds[1], tiles.bounds[0]], [tiles.bounds[3], tiles.bounds[2]]) : null;
  const layer = L.tileLayer(tiles.url, {
    minNativeZoom: tiles.minZoom,
    maxNativeZoom: tiles.maxZoom,
    maxZoom: 19,
    ...(bounds ? { bounds } : {}),
    attribution: tilesCredit(tiles.attribution).map(escapeHtml).join(" · "),
    className: "street-tiles",
  });
  let loaded = 0;
  let failed = 0;
  layer.on("tileload", () => (loaded += 1));
  layer.on("tileerror", () => {
    failed += 1;
    if (loaded === 0 && failed === FAILED_TILES_BEFORE_FALLBACK) {
      layer.remove();
      useOutlines(map, container);
      map.attributionControl.addAttribution(escapeHtml(t("map.tilesFailed")));
    }
  });
  layer.addTo(map);
  container.dataset["basemap"] = "tiles";
  return bounds;
}

function useOutlines(map: L.Map, container: HTMLElement): void {
  container.dataset["basemap"] = "outlines";
  map.attributionControl.addAttribution(escapeHtml(t("map.offlineCredit")));
  void addOfflineBasemap(map);
}
