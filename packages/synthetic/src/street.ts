import sharp from "sharp";
import type { Random } from "./random.js";
import { LANE_BOTTOM_X, NEAR_DEPTH_M, type SceneGeometry } from "./scene-geometry.js";

const FACADES = ["#d9c7a1", "#c9b38e", "#e4d6bc", "#b9a88a", "#cdbfa7", "#a7b3b8", "#d6b59a", "#c4cbbf", "#e0c9a6"];
const SIGNS = ["#c62828", "#1565c0", "#2e7d32", "#f9a825", "#6a1b9a", "#ef6c00", "#00838f"];

/** The street without traffic, drawn once per video as RGBA pixels. */
export async function renderStreet(g: SceneGeometry, rng: Random, brightness: number): Promise<Buffer> {
  const { width: W, height: H, horizonY: hy, vanishX: vx } = g;
  const parts: string[] = [];
  parts.push(`<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8fb6d9"/><stop offset="1" stop-color="#dfe8ee"/></linearGradient>
    <linearGradient id="road" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#6d6f72"/><stop offset="1" stop-color="#4a4c4f"/></linearGradient></defs>`);
  parts.push(`<rect width="${W}" height="${H}" fill="url(#sky)"/>`);
  // Buildings on both sides, receding toward the vanishing point: tube houses with shop signs.
  for (const side of [-1, 1]) {
    let s = 1.6;
    while (s > 0.12) {
      const depth = NEAR_DEPTH_M / s;
      const next = NEAR_DEPTH_M / (depth + rng.range(4, 7));
      const xNear = vx + side * (0.62 * W) * s;
      const xFar = vx + side * (0.62 * W) * next;
      const floors = rng.int(2, 5);
      const top = (s: number) => g.groundY(s) - floors * 150 * g.unit * s;
      const color = rng.pick(FACADES);
      parts.push(`<polygon points="${xNear},${g.groundY(s)} ${xFar},${g.groundY(next)} ${xFar},${top(next)} ${xNear},${top(s)}" fill="${color}" stroke="#8a7f6e" stroke-width="1"/>`);
      // Three windows per upper floor, spaced along the facade in screen space (close enough
      // to true perspective for segments this short).
      for (let f = 1; f < floors; f++) {
        const yN = g.groundY(s) - (f * 150 + 40) * g.unit * s;
        const yF = g.groundY(next) - (f * 150 + 40) * g.unit * next;
        const hN = 70 * g.unit * s;
        const hF = 70 * g.unit * next;
        const at = (a: number) => ({ x: xNear + (xFar - xNear) * a, y: yN + (yF - yN) * a, h: hN + (hF - hN) * a });
        for (let j = 0; j < 3; j++) {
          const p = at((j + 0.2) / 3);
          const q = at((j + 0.8) / 3);
          parts.push(`<polygon points="${p.x},${p.y - p.h} ${q.x},${q.y - q.h} ${q.x},${q.y} ${p.x},${p.y}" fill="#3c4650" opacity="0.75"/>`);
        }
      }
      const signH = 40 * g.unit * s;
      const sy = g.groundY(s) - 150 * g.unit * s;
      parts.push(`<polygon points="${xNear},${sy} ${xFar},${g.groundY(next) - 150 * g.unit * next} ${xFar},${g.groundY(next) - 150 * g.unit * next + signH * (next / s)} ${xNear},${sy + signH}" fill="${rng.pick(SIGNS)}"/>`);
      s = next;
    }
  }
  // Sidewalks and road.
  const edge = (t: number, side: number) => vx + side * (0.56 * W) * t;
  const S = 1.4;
  parts.push(`<polygon points="${vx},${hy} ${edge(S, -1) - 0.1 * W * S},${g.groundY(S)} ${edge(S, 1) + 0.1 * W * S},${g.groundY(S)}" fill="#a9a49a"/>`);
  parts.push(`<polygon points="${vx},${hy} ${edge(S, -1)},${g.groundY(S)} ${edge(S, 1)},${g.groundY(S)}" fill="url(#road)"/>`);
  // Lane markings: dashes 3 m long every 9 m, in depth, so they shorten toward the horizon.
  for (const between of [(LANE_BOTTOM_X[0] + LANE_BOTTOM_X[1]) / 2, (LANE_BOTTOM_X[1] + LANE_BOTTOM_X[2]) / 2]) {
    const lx = (t: number) => vx + (between * W - vx) * t;
    for (let z = 3; z < 160; z += 9) {
      const a = NEAR_DEPTH_M / z;
      const b = NEAR_DEPTH_M / (z + 3);
      const wA = 5 * g.unit * a;
      const wB = 5 * g.unit * b;
      parts.push(`<polygon points="${lx(a) - wA},${g.groundY(a)} ${lx(a) + wA},${g.groundY(a)} ${lx(b) + wB},${g.groundY(b)} ${lx(b) - wB},${g.groundY(b)}" fill="#eeeeea"/>`);
    }
  }
  for (const side of [-1, 1]) {
    parts.push(`<line x1="${vx}" y1="${hy}" x2="${edge(S, side)}" y2="${g.groundY(S)}" stroke="#f2f2ee" stroke-width="${4 * g.unit}"/>`);
  }
  // Poles with wires, a Vietnamese street staple.
  for (const z of [8, 20, 45]) {
    const t = NEAR_DEPTH_M / z;
    const x = vx - 0.6 * W * t;
    parts.push(`<rect x="${x - 6 * t}" y="${g.groundY(t) - 520 * g.unit * t}" width="${12 * t}" height="${520 * g.unit * t}" fill="#5b5b5b"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join("")}</svg>`;
  return sharp(Buffer.from(svg)).modulate({ brightness }).ensureAlpha().raw().toBuffer();
}
