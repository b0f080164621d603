import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import opentype from "opentype.js";

/**
 * Plate text is drawn as SVG paths from Roboto Condensed Bold (OFL-1.1, shipped by the npm
 * package @expo-google-fonts/roboto-condensed): a narrow sans close to the look of Vietnamese
 * plates. Glyph outlines are turned into paths here because sharp's text renderer ignored the
 * font file on this platform and fell back to a wide system font. Glyphs are placed one by one
 * (advance widths, no shaping): plates use plain digits, capitals, "-" and ".".
 */
let cached: opentype.Font | null = null;

export function plateFontPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve("@expo-google-fonts/roboto-condensed/700Bold/RobotoCondensed_700Bold.ttf");
}

function font(): opentype.Font {
  if (!cached) {
    const buf = readFileSync(plateFontPath());
    cached = opentype.parse(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  }
  return cached;
}

/**
 * SVG path data for `text` whose capitals are `capHeight` px tall, centred in the box
 * (cx, cy); squeezed horizontally when wider than `maxWidth`.
 */
export function textPath(text: string, cx: number, cy: number, capHeight: number, maxWidth: number, letterSpacing = 0.04): string {
  const f = font();
  const capUnits = (f.tables.os2 as { sCapHeight?: number }).sCapHeight || f.unitsPerEm * 0.71;
  const size = (capHeight * f.unitsPerEm) / capUnits;
  const glyphs = [...text].map((ch) => f.charToGlyph(ch));
  const spacing = letterSpacing * size;
  const advances = glyphs.map((g) => ((g.advanceWidth ?? 0) * size) / f.unitsPerEm);
  const natural = advances.reduce((a, b) => a + b, 0) + spacing * (glyphs.length - 1);
  const sx = Math.min(1, maxWidth / natural);
  // Lay out at x from 0, then place with a transform: scale about the text's own origin.
  let x = 0;
  let d = "";
  glyphs.forEach((g, i) => {
    d += g.getPath(x, 0, size).toPathData(2);
    x += advances[i]! + spacing;
  });
  const left = cx - (natural * sx) / 2;
  const baseline = cy + capHeight / 2;
  return `<path transform="translate(${left.toFixed(2)} ${baseline.toFixed(2)}) scale(${sx.toFixed(4)} 1)" d="${d}"/>`;
}
