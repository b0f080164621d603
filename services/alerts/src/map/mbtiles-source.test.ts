import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { openMbtiles, plainText, TileFileError } from "./mbtiles-source.js";
import { findTilesFile, mapConfigOf, openMapTiles } from "./map-tiles.js";

const dir = mkdtempSync(join(tmpdir(), "vigil-mbtiles-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = createLogger({ name: "map-test", level: "silent" });

const PNG = (tag: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, tag]);

/** An MBTiles file as the spec lays it out: tiles keyed by TMS row. */
function writeMbtiles(name: string, metadata: Record<string, string>, tiles: { z: number; x: number; tmsY: number; data: Buffer }[]): string {
  const file = join(dir, name);
  const db = new Database(file);
  db.exec("CREATE TABLE metadata (name text, value text); CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob); CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");
  for (const [k, v] of Object.entries(metadata)) db.prepare("INSERT INTO metadata VALUES (?, ?)").run(k, v);
  for (const t of tiles) db.prepare("INSERT INTO tiles VALUES (?, ?, ?, ?)").run(t.z, t.x, t.tmsY, t.data);
  db.close();
  return file;
}

describe("openMbtiles", () => {
  it("reads a tile by XYZ address from its TMS row, with the file's zooms, bounds and credit", () => {
    // At z1 TMS row 1 is XYZ row 0 (the northern half).
    const file = writeMbtiles("city.mbtiles", { name: "city", format: "png", minzoom: "1", maxzoom: "2", bounds: "106.6,10.7,106.8,10.85", attribution: '<a href="https://www.openstreetmap.org/copyright">&copy; OpenStreetMap</a> contributors' }, [
      { z: 1, x: 1, tmsY: 1, data: PNG(1) },
      { z: 1, x: 1, tmsY: 0, data: PNG(2) },
    ]);
    const s = openMbtiles(file);
    try {
      expect(s.getTile(1, 1, 0)?.at(-1)).toBe(1);
      expect(s.getTile(1, 1, 1)?.at(-1)).toBe(2);
      expect(s.getTile(1, 0, 0)).toBeNull();
      expect(s).toMatchObject({ format: "png", minZoom: 1, maxZoom: 2, bounds: [106.6, 10.7, 106.8, 10.85], attribution: "© OpenStreetMap contributors" });
      expect(s.version).toMatch(/^[0-9a-z]+-[0-9a-z]+$/);
    } finally {
      s.close();
    }
  });

  it("takes the format from the tiles and the zooms from the table when the metadata is silent", () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    const s = openMbtiles(writeMbtiles("bare.mbtiles", {}, [{ z: 3, x: 6, tmsY: 3, data: jpeg }, { z: 5, x: 0, tmsY: 0, data: jpeg }]));
    expect(s).toMatchObject({ format: "jpg", minZoom: 3, maxZoom: 5 });
    expect(s.bounds).toBeUndefined();
    s.close();
  });

  it("refuses vector tiles, empty files and files that are not MBTiles, saying why", () => {
    expect(() => openMbtiles(writeMbtiles("vector.mbtiles", { format: "pbf" }, [{ z: 0, x: 0, tmsY: 0, data: Buffer.from([0x1f, 0x8b]) }]))).toThrow(/vector tiles.*raster/);
    expect(() => openMbtiles(writeMbtiles("empty.mbtiles", { format: "png" }, []))).toThrow(/no tiles/);
    const junk = join(dir, "junk.mbtiles");
    writeFileSync(junk, "not a database at all, just text that is long enough to look like a file");
    expect(() => openMbtiles(junk)).toThrow(TileFileError);
    expect(() => openMbtiles(join(dir, "missing.mbtiles"))).toThrow(TileFileError);
  });

  it("keeps text only from HTML credits", () => {
    expect(plainText('Map <b>data</b> &copy; <a href="x">OSM</a> &#169; &amp; co')).toBe("Map data © OSM © & co");
  });
});

describe("openMapTiles", () => {
  it("finds the first .mbtiles in the map directory; a broken one there falls back to the outlines", () => {
    const mapDir = mkdtempSync(join(dir, "map-"));
    expect(openMapTiles({ dir: mapDir }, logger)).toEqual({ kind: "none" });
    writeFileSync(join(mapDir, "a-broken.mbtiles"), "junk");
    expect(findTilesFile(mapDir)).toBe(join(mapDir, "a-broken.mbtiles"));
    expect(openMapTiles({ dir: mapDir }, logger)).toEqual({ kind: "none" });
    // Asked for by name, the same file stops the start.
    expect(() => openMapTiles({ file: join(mapDir, "a-broken.mbtiles") }, logger)).toThrow(TileFileError);
  });

  it("hands the console the same-origin route for a file and the template for a tile server", () => {
    const tiles = openMapTiles({ file: writeMbtiles("cfg.mbtiles", { format: "webp", minzoom: "10", maxzoom: "16" }, [{ z: 10, x: 0, tmsY: 0, data: PNG(0) }]) }, logger);
    expect(mapConfigOf(tiles)).toEqual({ tiles: { source: "file", url: "/tiles/{z}/{x}/{y}.webp", minZoom: 10, maxZoom: 16 } });
    if (tiles.kind === "file") tiles.source.close();
    const url = "https://tiles.ops.example.vn/{z}/{x}/{y}.png";
    expect(mapConfigOf(openMapTiles({ url, file: "ignored", attribution: "Sở TN&MT" }, logger))).toEqual({ tiles: { source: "url", url, minZoom: 0, maxZoom: 19, attribution: "Sở TN&MT" } });
    expect(mapConfigOf({ kind: "none" })).toEqual({ tiles: null });
  });
});
