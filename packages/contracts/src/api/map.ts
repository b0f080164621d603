import { z } from "zod";

/** Raster tile encodings the console can show without a vector renderer. */
export const rasterTileFormat = z.enum(["png", "jpg", "webp"]);
export type RasterTileFormat = z.infer<typeof rasterTileFormat>;

/**
 * An XYZ template Leaflet can load: `{z}`, `{x}` and `{y}` (optionally `{s}` and `{r}`), either
 * http(s) or same-origin (`/tiles/{z}/{x}/{y}.png`). One rule for the server's MAP_TILES_URL and
 * the console's `?tiles=` override. Protocol-relative `//host/…` is refused: it is another origin.
 */
export const XYZ_TEMPLATE = /^(https?:\/\/[^\s/]+|(?!\/\/))\/[^\s]*\{z\}[^\s]*\{x\}[^\s]*\{y\}[^\s]*$/;

export const mapTilesSchema = z.object({
  /** "file": the alert service's own /tiles route (MBTiles in the data directory); "url": a tile server. */
  source: z.enum(["file", "url"]),
  url: z.string().regex(XYZ_TEMPLATE, "must be an XYZ template with {z}, {x} and {y}"),
  minZoom: z.number().int().min(0).max(24),
  /** The deepest zoom the tiles exist for; the map may zoom further and stretch them. */
  maxZoom: z.number().int().min(0).max(24),
  /** Where tiles exist, [west, south, east, north] in degrees: nothing is requested outside. */
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
  /** The tiles' own credit as plain text (no HTML); the console adds the OpenStreetMap credit itself. */
  attribution: z.string().max(300).optional(),
});
export type MapTiles = z.infer<typeof mapTilesSchema>;

/** GET /api/v1/map/config: the street map to draw, or null for the console's offline outlines. */
export const mapConfigResponseSchema = z.object({ tiles: mapTilesSchema.nullable() });
export type MapConfigResponse = z.infer<typeof mapConfigResponseSchema>;
