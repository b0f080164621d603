/**
 * A real raster MBTiles file for the console's map tests: PNG tiles drawn with sharp (a street grid
 * and each tile's z/x/y, so a screenshot shows which tile is where), stored at their TMS rows as the
 * MBTiles spec lays them out — what QGIS's "Generate XYZ tiles (MBTiles)" writes.
 */
import Database from "better-sqlite3";
import sharp from "sharp";

export interface TilesArea {
  west: number;
  south: number;
  east: number;
  north: number;
  minZoom: number;
  maxZoom: number;
}

/** The XYZ tile holding a point (Web Mercator). */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return { x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) };
}

function tileSvg(z: number, x: number, y: number): string {
  // A few "streets" whose place depends on the tile, so neighbouring tiles differ.
  const a = 40 + ((x * 37 + y * 11) % 150);
  const b = 50 + ((x * 13 + y * 29) % 140);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">
<rect width="256" height="256" fill="#e9e5dc"/>
<rect x="0" y="${a}" width="256" height="10" fill="#ffffff" stroke="#c9c2b4"/>
<rect x="${b}" y="0" width="8" height="256" fill="#ffffff" stroke="#c9c2b4"/>
<rect x="${(a + 90) % 220}" y="${(b + 60) % 220}" width="36" height="28" fill="#d8d0c2"/>
<rect x="0.5" y="0.5" width="255" height="255" fill="none" stroke="#b9b2a4" stroke-dasharray="4 4"/>
<text x="128" y="136" font-family="DejaVu Sans" font-size="18" text-anchor="middle" fill="#7a7366">${z}/${x}/${y}</text>
</svg>`;
}

/** Writes the file; returns how many tiles and, per XYZ address "z/x/y", the PNG bytes stored for it. */
export async function writeRasterMbtiles(file: string, area: TilesArea, attribution = "© OpenStreetMap contributors"): Promise<{ count: number; tiles: Map<string, Buffer> }> {
  const tiles = new Map<string, Buffer>();
  const jobs: Promise<void>[] = [];
  for (let z = area.minZoom; z <= area.maxZoom; z++) {
    const nw = tileOf(area.west, area.north, z);
    const se = tileOf(area.east, area.south, z);
    for (let x = nw.x; x <= se.x; x++) {
      for (let y = nw.y; y <= se.y; y++) {
        jobs.push(sharp(Buffer.from(tileSvg(z, x, y))).png({ compressionLevel: 6 }).toBuffer().then((png) => void tiles.set(`${z}/${x}/${y}`, png)));
      }
    }
  }
  await Promise.all(jobs);
  const db = new Database(file);
  try {
    db.exec("CREATE TABLE metadata (name text, value text); CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob); CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");
    const meta = db.prepare("INSERT INTO metadata (name, value) VALUES (?, ?)");
    const put = db.prepare("INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)");
    db.transaction(() => {
      for (const [k, v] of Object.entries({ name: "Vigil test city", format: "png", type: "baselayer", minzoom: String(area.minZoom), maxzoom: String(area.maxZoom), bounds: [area.west, area.south, area.east, area.north].join(","), attribution })) meta.run(k, v);
      for (const [key, png] of tiles) {
        const [z, x, y] = key.split("/").map(Number) as [number, number, number];
        put.run(z, x, 2 ** z - 1 - y, png);
      }
    })();
  } finally {
    db.close();
  }
  return { count: tiles.size, tiles };
}
