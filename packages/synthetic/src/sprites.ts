import sharp from "sharp";
import { textPath } from "./glyphs.js";
import type { SyntheticPlate } from "./plate-text.js";

export type VehicleKind = "car" | "motorbike";

export interface VehicleLook {
  kind: VehicleKind;
  facing: "rear" | "front";
  body: string;
  /** Rider's shirt and helmet (motorbikes). */
  shirt: string;
  helmet: string;
  plate: SyntheticPlate;
  /** Plate tilt in degrees (mounting, road camber). */
  plateAngle: number;
  /** Plate background: white, slightly dirty or yellowed. */
  plateTint: string;
  /** Light on the vehicle: 1 = as drawn. */
  brightness: number;
  /** Extra softness (focus, motion), Gaussian sigma in px at s = 1. */
  blur: number;
}

/** Sprite size and plate box (centre, size) at s = 1, in 1280-wide-frame pixels. */
export interface SpriteLayout {
  width: number;
  height: number;
  plate: { cx: number; cy: number; w: number; h: number };
}

/**
 * Plates are drawn larger than true scale (a real one-row plate is ~30 % of a car's width; here
 * ~50 %) so that an ANPR-style reader has ≥ 40 px of plate height for a few seconds per vehicle.
 */
export function spriteLayout(kind: VehicleKind): SpriteLayout {
  return kind === "car"
    ? { width: 520, height: 380, plate: { cx: 260, cy: 262, w: 290, h: 64 } }
    : { width: 240, height: 520, plate: { cx: 120, cy: 392, w: 132, h: 98 } };
}

export function plateSvg(plate: SyntheticPlate, tint: string, cx: number, cy: number, w: number, h: number, angle: number): string {
  const border = Math.max(2, h * 0.05);
  const x = cx - w / 2;
  const y = cy - h / 2;
  let text: string;
  if (plate.rows === 1) {
    text = textPath(plate.lines[0] ?? plate.display, cx, cy, h * 0.6, w * 0.9);
  } else {
    const [top = "", bottom = ""] = plate.lines;
    text = textPath(top, cx, y + h * 0.28, h * 0.3, w * 0.86) + textPath(bottom, cx, y + h * 0.72, h * 0.3, w * 0.86);
  }
  return `<g transform="rotate(${angle.toFixed(2)} ${cx} ${cy})">
    <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${h * 0.08}" fill="${tint}" stroke="#101010" stroke-width="${border}"/>
    <rect x="${x + border * 1.6}" y="${y + border * 1.6}" width="${w - border * 3.2}" height="${h - border * 3.2}" rx="${h * 0.05}" fill="none" stroke="#202020" stroke-width="${border * 0.35}"/>
    <g fill="#141414">${text}</g></g>`;
}

function carSvg(v: VehicleLook, l: SpriteLayout): string {
  const { width: W, height: H, plate: p } = l;
  const lights = v.facing === "rear" ? "#c0141b" : "#f4f1d8";
  const glass = v.facing === "rear" ? "#28323c" : "#3a4a58";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.25"/><stop offset="1" stop-color="#000" stop-opacity="0.25"/></linearGradient></defs>
    <ellipse cx="${W / 2}" cy="${H - 8}" rx="${W * 0.5}" ry="14" fill="#000" opacity="0.35"/>
    <rect x="34" y="${H - 70}" width="84" height="68" rx="12" fill="#151515"/>
    <rect x="${W - 118}" y="${H - 70}" width="84" height="68" rx="12" fill="#151515"/>
    <path d="M110 150 L150 30 Q160 12 185 12 L335 12 Q360 12 370 30 L410 150 Z" fill="${v.body}"/>
    <path d="M132 146 L165 42 Q170 30 188 30 L332 30 Q350 30 355 42 L388 146 Z" fill="${glass}"/>
    <rect x="8" y="140" width="${W - 16}" height="${H - 190}" rx="26" fill="${v.body}"/>
    <rect x="8" y="140" width="${W - 16}" height="${H - 190}" rx="26" fill="url(#g)"/>
    <rect x="22" y="168" width="96" height="44" rx="10" fill="${lights}"/>
    <rect x="${W - 118}" y="168" width="96" height="44" rx="10" fill="${lights}"/>
    ${v.facing === "front" ? `<rect x="150" y="172" width="${W - 300}" height="40" rx="8" fill="#1d1d1d"/>` : ""}
    <rect x="14" y="${H - 92}" width="${W - 28}" height="46" rx="14" fill="#2a2a2a"/>
    ${plateSvg(v.plate, v.plateTint, p.cx, p.cy, p.w, p.h, v.plateAngle)}
  </svg>`;
}

function motorbikeSvg(v: VehicleLook, l: SpriteLayout): string {
  const { width: W, height: H, plate: p } = l;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <ellipse cx="${W / 2}" cy="${H - 6}" rx="${W * 0.3}" ry="10" fill="#000" opacity="0.35"/>
    <rect x="${W / 2 - 24}" y="${H - 120}" width="48" height="118" rx="20" fill="#141414"/>
    <rect x="56" y="250" width="34" height="150" rx="12" fill="#23262b"/>
    <rect x="${W - 90}" y="250" width="34" height="150" rx="12" fill="#23262b"/>
    <path d="M62 300 Q${W / 2} 270 ${W - 62} 300 L${W - 76} 450 Q${W / 2} 470 76 450 Z" fill="${v.body}"/>
    <rect x="${W / 2 - 30}" y="318" width="60" height="20" rx="6" fill="#c0141b"/>
    <path d="M48 120 Q${W / 2} 90 ${W - 48} 120 L${W - 58} 300 Q${W / 2} 318 58 300 Z" fill="${v.shirt}"/>
    <rect x="22" y="140" width="34" height="130" rx="16" fill="${v.shirt}"/>
    <rect x="${W - 56}" y="140" width="34" height="130" rx="16" fill="${v.shirt}"/>
    <circle cx="${W / 2}" cy="70" r="56" fill="${v.helmet}"/>
    <path d="M${W / 2 - 50} 86 Q${W / 2} 128 ${W / 2 + 50} 86 Z" fill="#111" opacity="0.4"/>
    ${plateSvg(v.plate, v.plateTint, p.cx, p.cy, p.w, p.h, v.plateAngle)}
  </svg>`;
}

/** The vehicle drawn once at s = 1, as RGBA pixels (resized per scale later). */
export async function renderVehicle(v: VehicleLook, unit: number): Promise<{ data: Buffer; width: number; height: number }> {
  const l = spriteLayout(v.kind);
  const svg = v.kind === "car" ? carSvg(v, l) : motorbikeSvg(v, l);
  // Rendered at the largest scale used, so every smaller one is a downscale.
  const density = 72 * unit * 1.25;
  const { data, info } = await sharp(Buffer.from(svg), { density }).modulate({ brightness: v.brightness }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** One scale of a vehicle sprite: resized, softened, RGBA. */
export async function scaleSprite(base: { data: Buffer; width: number; height: number }, width: number, height: number, blurSigma: number): Promise<Buffer> {
  let img = sharp(base.data, { raw: { width: base.width, height: base.height, channels: 4 } }).resize(Math.max(1, width), Math.max(1, height), { kernel: "lanczos3" });
  if (blurSigma >= 0.3) img = img.blur(blurSigma);
  return img.raw().toBuffer();
}
