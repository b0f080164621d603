import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, mapConfigResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import type { AuthService } from "../../auth/auth-service.js";
import { mapConfigOf, type MapTiles } from "../../map/map-tiles.js";
import { sniffRasterFormat, TILE_CONTENT_TYPE, tileAddress, tileParamsSchema } from "../../map/tile-address.js";

/**
 * The street map: which tiles the console draws (GET /api/v1/map/config) and, for a local MBTiles
 * file, the tiles themselves (GET /tiles/{z}/{x}/{y}.{png|jpg|webp}, XYZ numbering).
 *
 * Tiles need a session like everything else the console loads: the map is only shown after login,
 * `<img>` requests carry the cookie on their own, and the command centre's server then does not
 * double as an open tile server on the police network. Browsers may cache them (private: never a
 * shared proxy) for an hour and revalidate by ETag, which changes when the file is replaced.
 */
export function tileRoutes(deps: { auth: AuthService; mapTiles: MapTiles }): FastifyPluginAsyncZod {
  return async (app) => {
    const viewer = requireRole(deps.auth, "operator");
    const config = mapConfigOf(deps.mapTiles);

    app.get("/api/v1/map/config", {
      onRequest: viewer,
      schema: { tags: ["map"], summary: "The street map under the cameras: a tiles URL template, or null for the offline outlines", response: { 200: mapConfigResponseSchema } },
    }, async () => config);

    app.get("/tiles/:z/:x/:tile", {
      onRequest: viewer,
      schema: { tags: ["map"], summary: "A raster map tile from the local MBTiles file (XYZ numbering)", params: tileParamsSchema, response: { 200: z.any().describe("the tile's image bytes"), 304: z.null().describe("not modified (ETag)"), 404: errorResponseSchema } },
    }, async (req, reply) => {
      const tiles = deps.mapTiles;
      if (tiles.kind !== "file") return reply.code(404).send({ error: "not_found", message: "no local tiles file is configured (MAP_TILES_FILE, or an .mbtiles in MAP_DIR)" });
      const { z, x, y, format } = tileAddress(req.params);
      const source = tiles.source;
      if (format !== source.format) return reply.code(404).send({ error: "not_found", message: `this map's tiles are .${source.format}` });
      const etag = `"${source.version}"`;
      reply.header("cache-control", "private, max-age=3600").header("etag", etag);
      if (req.headers["if-none-match"] === etag) return reply.code(304).send(null);
      const data = z < source.minZoom || z > source.maxZoom ? null : source.getTile(z, x, y);
      if (!data) return reply.code(404).send({ error: "not_found", message: `no tile at ${z}/${x}/${y}` });
      // Some tools mix JPEG and PNG in one file: the bytes say what the tile is.
      return reply.type(TILE_CONTENT_TYPE[sniffRasterFormat(data) ?? source.format]).send(data);
    });
  };
}
