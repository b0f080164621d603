import { describe, expect, it } from "vitest";
import { rasterFormatFromName, sniffRasterFormat, tileAddress, tileParamsSchema, tmsRow } from "./tile-address.js";

const parse = (z: string, x: string, tile: string) => tileParamsSchema.safeParse({ z, x, tile });

describe("tile path parsing", () => {
  it("reads z/x/y and the format from /tiles/{z}/{x}/{y}.{ext}", () => {
    const p = parse("14", "13050", "7707.png");
    expect(p.success).toBe(true);
    expect(tileAddress(p.data!)).toEqual({ z: 14, x: 13050, y: 7707, format: "png" });
    expect(tileAddress(parse("3", "1", "2.jpeg").data!).format).toBe("jpg");
    expect(tileAddress(parse("3", "1", "2.JPG").data!).format).toBe("jpg");
    expect(tileAddress(parse("0", "0", "0.webp").data!)).toEqual({ z: 0, x: 0, y: 0, format: "webp" });
  });

  it("refuses columns and rows outside the zoom's 2^z grid", () => {
    expect(parse("2", "3", "3.png").success).toBe(true);
    expect(parse("2", "4", "0.png").success).toBe(false);
    expect(parse("2", "0", "4.png").success).toBe(false);
    expect(parse("0", "0", "1.png").success).toBe(false);
    expect(parse("25", "0", "0.png").success).toBe(false);
    expect(parse("24", "16777215", "16777215.png").success).toBe(true);
  });

  it("refuses what is not a number or a raster extension", () => {
    for (const [z, x, tile] of [["a", "0", "0.png"], ["1", "-1", "0.png"], ["1", "0", "0.pbf"], ["1", "0", "0"], ["1", "0", "0.png.exe"], ["1", "0x1", "0.png"], ["1", "0", "../0.png"], ["1", "1e3", "0.png"]] as const) {
      expect(parse(z, x, tile).success, `${z}/${x}/${tile}`).toBe(false);
    }
  });
});

describe("MBTiles rows (TMS)", () => {
  it("flips y: XYZ counts rows from the north, TMS from the south", () => {
    expect(tmsRow(0, 0)).toBe(0);
    expect(tmsRow(1, 0)).toBe(1);
    expect(tmsRow(1, 1)).toBe(0);
    // Hồ Chí Minh City at z14: XYZ row 7707 is TMS row 16383 - 7707.
    expect(tmsRow(14, 7707)).toBe(8676);
    expect(tmsRow(14, tmsRow(14, 7707))).toBe(7707);
  });
});

describe("tile formats", () => {
  it("tells PNG, JPEG and WebP apart by their first bytes, and refuses the rest", () => {
    expect(sniffRasterFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("png");
    expect(sniffRasterFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpg");
    expect(sniffRasterFormat(new Uint8Array(Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 ", "latin1")))).toBe("webp");
    expect(sniffRasterFormat(Uint8Array.from([0x1f, 0x8b, 0x08, 0x00]))).toBeNull(); // gzip'd vector tile
    expect(sniffRasterFormat(new Uint8Array(0))).toBeNull();
  });

  it("maps metadata format names to raster formats", () => {
    expect(rasterFormatFromName("png")).toBe("png");
    expect(rasterFormatFromName("JPEG")).toBe("jpg");
    expect(rasterFormatFromName("image/webp")).toBe("webp");
    expect(rasterFormatFromName("pbf")).toBeNull();
    expect(rasterFormatFromName(undefined)).toBeNull();
  });
});
