import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { MapConfigResponse } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { openMbtiles, TileFileError, type TileSource } from "./mbtiles-source.js";

export interface MapTilesOptions {
  /** An XYZ tile server (MAP_TILES_URL). */
  url?: string;
  /** A raster MBTiles file (MAP_TILES_FILE): a broken one stops the start, since someone asked for it. */
  file?: string;
  /** Looked in for a `*.mbtiles` when neither is set (MAP_DIR, npm start: `$DATA_DIR/map`). */
  dir?: string;
  /** The tiles' credit (MAP_TILES_ATTRIBUTION), over the file's own. */
  attribution?: string;
}

/** What the console draws under the cameras: a local tiles file, a tile server, or (none) its offline outlines. */
export type MapTiles =
  | { kind: "file"; source: TileSource; attribution?: string }
  | { kind: "url"; url: string; attribution?: string }
  | { kind: "none" };

/** The tiles file the console's route serves, in XYZ numbering; the console gets this template from /api/v1/map/config. */
export const tileRouteTemplate = (format: string) => `/tiles/{z}/{x}/{y}.${format}`;

/** The first `*.mbtiles` in `dir` (by name), or null; a `*.pmtiles` alone is reported so that it is not silently ignored. */
export function findTilesFile(dir: string, logger?: Logger): string | null {
  if (!existsSync(dir)) return null;
  const names = readdirSync(dir).sort();
  const mbtiles = names.find((n) => n.toLowerCase().endsWith(".mbtiles"));
  if (mbtiles) return join(dir, mbtiles);
  const pmtiles = names.find((n) => n.toLowerCase().endsWith(".pmtiles"));
  if (pmtiles) logger?.warn({ file: join(dir, pmtiles) }, "PMTiles files are not served; convert the raster extract to MBTiles (README, \"Street map\")");
  return null;
}

export function openMapTiles(o: MapTilesOptions, logger: Logger): MapTiles {
  const credit = o.attribution ? { attribution: o.attribution } : {};
  if (o.url) return { kind: "url", url: o.url, ...credit };
  const file = o.file ?? (o.dir ? findTilesFile(o.dir, logger) : null);
  if (!file) return { kind: "none" };
  try {
    const source = openMbtiles(file);
    logger.info({ file, format: source.format, minZoom: source.minZoom, maxZoom: source.maxZoom }, "serving the street map from a local tiles file");
    return { kind: "file", source, ...credit };
  } catch (err) {
    if (o.file || !(err instanceof TileFileError)) throw err;
    // Found by looking, not asked for: the console falls back to its outlines rather than refusing to start.
    logger.warn({ file, err: err.message }, "the tiles file in the map directory cannot be served; the console shows its offline outlines");
    return { kind: "none" };
  }
}

export function mapConfigOf(tiles: MapTiles): MapConfigResponse {
  if (tiles.kind === "none") return { tiles: null };
  if (tiles.kind === "url") return { tiles: { source: "url", url: tiles.url, minZoom: 0, maxZoom: 19, ...(tiles.attribution ? { attribution: tiles.attribution } : {}) } };
  const s = tiles.source;
  const attribution = tiles.attribution ?? s.attribution;
  return {
    tiles: {
      source: "file",
      url: tileRouteTemplate(s.format),
      minZoom: s.minZoom,
      maxZoom: s.maxZoom,
      ...(s.bounds ? { bounds: s.bounds } : {}),
      ...(attribution ? { attribution } : {}),
    },
  };
}

export function closeMapTiles(tiles: MapTiles): void {
  if (tiles.kind === "file") tiles.source.close();
}
