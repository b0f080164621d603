import { statSync } from "node:fs";
import Database from "better-sqlite3";
import type { RasterTileFormat } from "@vigil/contracts";
import { rasterFormatFromName, sniffRasterFormat, tmsRow } from "./tile-address.js";

/** One opened raster tiles file: its description and a way to read a tile by XYZ address. */
export interface TileSource {
  readonly file: string;
  readonly format: RasterTileFormat;
  readonly minZoom: number;
  readonly maxZoom: number;
  /** [west, south, east, north] in degrees, when the file says. */
  readonly bounds?: [number, number, number, number];
  /** Plain-text credit from the file's metadata (HTML removed). */
  readonly attribution?: string;
  /** Changes when the file is replaced: the tiles' ETag. */
  readonly version: string;
  /** The tile's bytes, or null where the file has none. */
  getTile(z: number, x: number, y: number): Buffer | null;
  close(): void;
}

/** The file cannot serve a street map (not MBTiles, vector tiles, empty): the message says what to do. */
export class TileFileError extends Error {
  override name = "TileFileError";
}

/**
 * Reads an MBTiles file (SQLite, https://github.com/mapbox/mbtiles-spec) read-only. Raster only:
 * vector tiles (`pbf`) need a style and a renderer that the console does not ship. Works with
 * both layouts in the wild: a `tiles` table (QGIS, tilemaker) or a `tiles` view over
 * `map` + `images` (mbutil, MOBAC).
 */
export function openMbtiles(file: string): TileSource {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new TileFileError(`cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    const meta = readMetadata(db);
    const tile = db.prepare<[number, number, number], { tile_data: Buffer }>("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?");
    const zooms = db.prepare<[], { lo: number | null; hi: number | null }>("SELECT min(zoom_level) AS lo, max(zoom_level) AS hi FROM tiles").get();
    if (zooms?.lo === null || zooms?.lo === undefined || zooms.hi === null) throw new TileFileError(`${file} holds no tiles`);
    const first = db.prepare<[], { tile_data: Buffer }>("SELECT tile_data FROM tiles LIMIT 1").get();
    const declared = meta.format;
    const format = rasterFormatFromName(declared) ?? (first ? sniffRasterFormat(first.tile_data) : null);
    if (!format) {
      throw new TileFileError(
        declared === "pbf" || declared === "mvt"
          ? `${file} holds vector tiles (pbf); Vigil shows raster tiles only (png/jpg/webp): render the extract to raster MBTiles first (README, "Street map")`
          : `${file}: tile format "${declared ?? "unknown"}" is not png, jpg or webp`,
      );
    }
    const minZoom = intOr(meta.minzoom, zooms.lo);
    const maxZoom = intOr(meta.maxzoom, zooms.hi);
    const bounds = parseBounds(meta.bounds);
    const attribution = meta.attribution ? plainText(meta.attribution) : undefined;
    const st = statSync(file);
    return {
      file,
      format,
      minZoom: Math.min(minZoom, maxZoom),
      maxZoom: Math.max(minZoom, maxZoom),
      ...(bounds ? { bounds } : {}),
      ...(attribution ? { attribution } : {}),
      version: `${st.size.toString(36)}-${Math.round(st.mtimeMs).toString(36)}`,
      getTile(z, x, y) {
        return tile.get(z, x, tmsRow(z, y))?.tile_data ?? null;
      },
      close() {
        db.close();
      },
    };
  } catch (err) {
    db.close();
    if (err instanceof TileFileError) throw err;
    throw new TileFileError(`${file} is not a readable MBTiles file: ${(err as Error).message}`);
  }
}

function readMetadata(db: Database.Database): Record<string, string | undefined> {
  const rows = db.prepare<[], { name: string; value: string }>("SELECT name, value FROM metadata").all();
  return Object.fromEntries(rows.map((r) => [String(r.name).toLowerCase(), r.value === null ? undefined : String(r.value)]));
}

function intOr(value: string | undefined, fallback: number): number {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 30 ? n : fallback;
}

/** "west,south,east,north" in degrees; anything else is ignored (the whole world is then asked for). */
function parseBounds(value: string | undefined): [number, number, number, number] | undefined {
  const n = (value ?? "").split(",").map((s) => Number(s.trim()));
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) return undefined;
  const [w, s, e, north] = n as [number, number, number, number];
  if (w < -180 || e > 180 || s < -90 || north > 90 || w >= e || s >= north) return undefined;
  return [w, s, e, north];
}

/** MBTiles attributions are often HTML links; the console shows text only, so tags go and entities are decoded. */
export function plainText(html: string): string {
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", copy: "©" };
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (whole, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
      }
      return entities[e.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}
