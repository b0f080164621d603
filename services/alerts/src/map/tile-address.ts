import { z } from "zod";
import type { RasterTileFormat } from "@vigil/contracts";

/** Deeper than any raster extract anyone cuts (z19 ≈ 0.3 m/pixel); bounds `2^z` well inside safe integers. */
export const MAX_TILE_ZOOM = 24;

const EXTENSIONS: Record<string, RasterTileFormat> = { png: "png", jpg: "jpg", jpeg: "jpg", webp: "webp" };

export const TILE_CONTENT_TYPE: Record<RasterTileFormat, string> = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" };

/**
 * `/tiles/:z/:x/:tile` with `tile` = `{y}.{png|jpg|jpeg|webp}`, in XYZ ("slippy map") numbering.
 * A column or row outside the zoom's 2^z grid is a bad request, not a missing tile.
 */
export const tileParamsSchema = z
  .object({
    z: z.string().regex(/^\d{1,2}$/, "zoom must be a whole number"),
    x: z.string().regex(/^\d{1,8}$/, "x must be a whole number"),
    tile: z.string().regex(/^\d{1,8}\.(png|jpe?g|webp)$/i, "expected {y}.png, {y}.jpg or {y}.webp"),
  })
  .superRefine((p, ctx) => {
    const a = tileAddress(p);
    if (a.z > MAX_TILE_ZOOM) ctx.addIssue({ code: "custom", path: ["z"], message: `zoom must be 0–${MAX_TILE_ZOOM}` });
    else {
      const size = 2 ** a.z;
      if (a.x >= size) ctx.addIssue({ code: "custom", path: ["x"], message: `x must be below ${size} at zoom ${a.z}` });
      if (a.y >= size) ctx.addIssue({ code: "custom", path: ["tile"], message: `y must be below ${size} at zoom ${a.z}` });
    }
  });
export type TileParams = z.infer<typeof tileParamsSchema>;

export interface TileAddress {
  z: number;
  x: number;
  y: number;
  format: RasterTileFormat;
}

/** The numbers of params that passed `tileParamsSchema`'s patterns. */
export function tileAddress(p: TileParams): TileAddress {
  const [y = "", ext = ""] = p.tile.split(".");
  return { z: Number(p.z), x: Number(p.x), y: Number(y), format: EXTENSIONS[ext.toLowerCase()] ?? "png" };
}

/** MBTiles stores rows in TMS order (row 0 at the south edge); XYZ counts from the north. */
export function tmsRow(z: number, y: number): number {
  return 2 ** z - 1 - y;
}

/** The raster format from a tile's first bytes, or null (vector, gzip, or something else). */
export function sniffRasterFormat(data: Uint8Array): RasterTileFormat | null {
  if (data.length >= 8 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return "png";
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpg";
  if (data.length >= 12 && String.fromCharCode(...data.subarray(0, 4)) === "RIFF" && String.fromCharCode(...data.subarray(8, 12)) === "WEBP") return "webp";
  return null;
}

/** A format name from a tiles file's metadata (`png`, `jpeg`, `image/png`, `pbf` …): raster or null. */
export function rasterFormatFromName(name: string | undefined): RasterTileFormat | null {
  if (!name) return null;
  const key = name.toLowerCase().replace(/^image\//, "");
  return EXTENSIONS[key] ?? null;
}
