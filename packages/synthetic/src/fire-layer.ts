import sharp from "sharp";
import { blit, toSprite, type Sprite } from "./compositor.js";
import { renderFlame } from "./procedural-flame.js";
import type { Random } from "./random.js";

export interface FireSegment {
  startS: number;
  endS: number;
}

export interface FireBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Distinct flame images; shown at 12.5 fps they loop every ~2.5 s. */
const FLAME_FRAMES = 32;

/**
 * A fire at the roadside with smoke rising from it. The flame is the procedural renderer (the
 * shipped demo carries no third-party imagery); tests can pass a real photo instead
 * (`imagePath`), composited with a soft edge and a flicker of scale and brightness.
 * The procedural flame costs ~0.1–0.4 s per full-size image here, so a loop of images is made
 * at half resolution and upscaled once (a flame is soft anyway), instead of one per frame.
 */
export class FireLayer {
  private puffs: Sprite[] = [];
  private flames: Sprite[] = [];
  private readonly puffSeeds: { born: number; dx: number; drift: number }[] = [];

  constructor(
    readonly segment: FireSegment,
    readonly box: FireBox,
    private readonly seed: number,
    private readonly imagePath?: string,
  ) {}

  async prepare(rng: Random): Promise<void> {
    const { w, h } = this.box;
    for (let i = 0; i < 10; i++) {
      const size = Math.round(w * (0.45 + i * 0.13));
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><defs><radialGradient id="p"><stop offset="0" stop-color="#5f5f5f" stop-opacity="0.85"/><stop offset="0.6" stop-color="#6e6e6e" stop-opacity="0.5"/><stop offset="1" stop-color="#7a7a7a" stop-opacity="0"/></radialGradient></defs><circle cx="${size / 2}" cy="${size / 2}" r="${size / 2}" fill="url(#p)"/></svg>`;
      this.puffs.push(toSprite(await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer(), size, size));
    }
    for (let t = this.segment.startS; t < this.segment.endS; t += rng.range(0.25, 0.45)) {
      this.puffSeeds.push({ born: t, dx: rng.range(-0.15, 0.15), drift: rng.range(8, 22) });
    }
    if (this.imagePath) {
      // Soft elliptical mask so the photo's rectangle does not show.
      const mask = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><radialGradient id="m" cx="0.5" cy="0.55" r="0.55"><stop offset="0.6" stop-color="#fff"/><stop offset="1" stop-color="#000"/></radialGradient></defs><rect width="${w}" height="${h}" fill="url(#m)"/></svg>`))
        .extractChannel(0)
        .raw()
        .toBuffer();
      for (const [k, b] of [[1, 1], [1.04, 1.1], [0.97, 0.92]] as const) {
        const rgb = await sharp(this.imagePath).resize(Math.round(w * k), Math.round(h * k), { fit: "cover" }).resize(w, h, { fit: "cover" }).modulate({ brightness: b }).removeAlpha().raw().toBuffer();
        const rgba = Buffer.alloc(w * h * 4);
        for (let i = 0; i < w * h; i++) {
          rgba[i * 4] = rgb[i * 3]!;
          rgba[i * 4 + 1] = rgb[i * 3 + 1]!;
          rgba[i * 4 + 2] = rgb[i * 3 + 2]!;
          rgba[i * 4 + 3] = mask[i]!;
        }
        this.flames.push(toSprite(rgba, w, h));
      }
      return;
    }
    const hw = Math.max(8, Math.round(w / 2));
    const hh = Math.max(8, Math.round(h / 2));
    for (let i = 0; i < FLAME_FRAMES; i++) {
      const small = renderFlame(hw, hh, i * 0.08, this.seed);
      const big = await sharp(small, { raw: { width: hw, height: hh, channels: 4 } }).resize(w, h, { kernel: "cubic" }).raw().toBuffer();
      this.flames.push(toSprite(big, w, h));
    }
  }

  active(t: number): boolean {
    return t >= this.segment.startS && t < this.segment.endS;
  }

  draw(frame: Uint32Array, width: number, height: number, t: number, frameIndex: number): void {
    if (!this.active(t)) return;
    const { x, y, w, h } = this.box;
    // Grows in over the first second, as a real fire catches.
    const grow = Math.min(1, (t - this.segment.startS) / 1.0);
    // Smoke first, behind the flame, rising and spreading.
    for (const p of this.puffSeeds) {
      const age = t - p.born;
      if (age < 0 || age > 4) continue;
      const puff = this.puffs[Math.min(this.puffs.length - 1, Math.floor(age * 2.5))]!;
      const cx = x + w * (0.5 + p.dx) + age * p.drift;
      const cy = y + h * 0.15 - age * h * 0.45;
      blit(frame, width, height, puff, Math.round(cx - puff.width / 2), Math.round(cy - puff.height / 2), (1 - age / 4) * 0.9 * grow);
    }
    const flame = this.imagePath ? this.flames[frameIndex % this.flames.length]! : this.flames[(frameIndex >> 1) % this.flames.length]!;
    blit(frame, width, height, flame, x, y, grow);
  }
}
