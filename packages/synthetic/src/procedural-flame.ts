/**
 * Procedurally drawn, flickering flame sprite for the synthetic demo street and for training
 * augmentation of Vigil's fire model (models/training/fire uses this same renderer, so the model
 * has seen what the demo draws). Pure function: same (width, height, t, seed) → same pixels.
 *
 * The shape is a set of flame "tongues" rising from the bottom centre; their outline is pushed
 * around by fractal value noise that scrolls upwards with time, so consecutive frames flicker
 * and change area the way real flames do (the fire confirmer looks for exactly that).
 */

/** Deterministic 32-bit integer hash (a variant of the lowbias32 mixer). */
function hash3(x: number, y: number, z: number, seed: number): number {
  let h = (x * 374761393 + y * 668265263 + z * 2147483647 + seed * 1274126177) | 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Trilinear value noise in [0, 1). */
function valueNoise(x: number, y: number, z: number, seed: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const zi = Math.floor(z);
  const fx = smooth(x - xi);
  const fy = smooth(y - yi);
  const fz = smooth(z - zi);
  const c = (dx: number, dy: number, dz: number) => hash3(xi + dx, yi + dy, zi + dz, seed);
  const x00 = lerp(c(0, 0, 0), c(1, 0, 0), fx);
  const x10 = lerp(c(0, 1, 0), c(1, 1, 0), fx);
  const x01 = lerp(c(0, 0, 1), c(1, 0, 1), fx);
  const x11 = lerp(c(0, 1, 1), c(1, 1, 1), fx);
  return lerp(lerp(x00, x10, fy), lerp(x01, x11, fy), fz);
}

/**
 * Value noise at one octave that remembers the lattice corners of its last cell: along a row the
 * cell changes only every few dozen pixels, so this skips most hashing. Same numbers as valueNoise.
 */
class LatticeNoise {
  private key = "";
  private c = new Float64Array(8);

  constructor(private readonly seed: number) {}

  sample(x: number, y: number, z: number): number {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    const zi = Math.floor(z);
    const key = `${xi},${yi},${zi}`;
    if (key !== this.key) {
      this.key = key;
      for (let i = 0; i < 8; i += 1) this.c[i] = hash3(xi + (i & 1), yi + ((i >> 1) & 1), zi + (i >> 2), this.seed);
    }
    const c = this.c;
    const fx = smooth(x - xi);
    const fy = smooth(y - yi);
    const fz = smooth(z - zi);
    const x00 = lerp(c[0]!, c[1]!, fx);
    const x10 = lerp(c[2]!, c[3]!, fx);
    const x01 = lerp(c[4]!, c[5]!, fx);
    const x11 = lerp(c[6]!, c[7]!, fx);
    return lerp(lerp(x00, x10, fy), lerp(x01, x11, fy), fz);
  }
}

/** Three octaves of value noise, roughly in [0, 1). */
function makeFbm(seed: number): (x: number, y: number, z: number) => number {
  const o1 = new LatticeNoise(seed);
  const o2 = new LatticeNoise(seed + 17);
  const o3 = new LatticeNoise(seed + 31);
  return (x, y, z) => 0.55 * o1.sample(x, y, z) + 0.3 * o2.sample(x * 2.03, y * 2.03, z * 1.7) + 0.15 * o3.sample(x * 4.01, y * 4.01, z * 2.9);
}

/** Colour ramp from the dim red rim to the white-yellow core. */
const RAMP: ReadonlyArray<readonly [number, number, number, number]> = [
  [0.0, 150, 20, 0],
  [0.25, 225, 70, 5],
  [0.5, 255, 140, 20],
  [0.75, 255, 205, 60],
  [1.0, 255, 248, 190],
];

function rampColour(v: number): [number, number, number] {
  for (let i = 1; i < RAMP.length; i += 1) {
    const hi = RAMP[i]!;
    const lo = RAMP[i - 1]!;
    if (v <= hi[0]) {
      const t = (v - lo[0]) / (hi[0] - lo[0]);
      return [lerp(lo[1], hi[1], t), lerp(lo[2], hi[2], t), lerp(lo[3], hi[3], t)];
    }
  }
  const last = RAMP[RAMP.length - 1]!;
  return [last[1], last[2], last[3]];
}

/**
 * Renders one frame of a flame as raw RGBA (width × height × 4 bytes, row-major, alpha 0 where
 * there is no flame). `t` is the time in seconds (animation), `seed` picks the flame's character
 * (number and spread of tongues, noise pattern).
 */
export function renderFlame(width: number, height: number, t: number, seed: number): Buffer {
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height));
  const out = Buffer.alloc(w * h * 4);
  const s = Math.trunc(seed) | 0;

  // Per-seed character: 2–4 tongues at different offsets and heights.
  const tongueCount = 2 + Math.floor(hash3(1, 2, 3, s) * 3);
  const tongues = Array.from({ length: tongueCount }, (_, i) => ({
    offset: (hash3(i, 7, 1, s) - 0.5) * 0.7,
    height: 0.6 + hash3(i, 9, 2, s) * 0.4,
    width: 0.28 + hash3(i, 11, 3, s) * 0.22,
    phase: hash3(i, 13, 4, s) * Math.PI * 2,
  }));
  // Whole-flame flicker: height pulses a few times a second, irregularly.
  const pulse = 0.85 + 0.1 * Math.sin(t * 7.3 + s) + 0.08 * (valueNoise(t * 3.1, 0.5, 0.5, s + 5) - 0.5) * 2;

  const fbm = makeFbm(s);
  const rows = tongues.map(() => ({ active: false, swayBase: 0, profile: 0, taper: 0 }));
  for (let y = 0; y < h; y += 1) {
    // v: 0 at the bottom edge, 1 at the top.
    const v = 1 - (y + 0.5) / h;
    // Everything about a tongue that depends only on the row is computed once per row.
    let anyActive = false;
    tongues.forEach((tongue, i) => {
      const row = rows[i]!;
      const top = tongue.height * pulse;
      row.active = v < top;
      if (!row.active) return;
      anyActive = true;
      row.swayBase = 0.12 * v * Math.sin(t * 4.1 + tongue.phase + v * 3);
      // Half-width shrinks towards the tip (teardrop), a little wider near the base.
      row.profile = Math.max(tongue.width * Math.pow(1 - v / top, 0.55) * (0.75 + 0.5 * Math.min(1, v * 6)), 1e-3);
      row.taper = 1 - 0.55 * (v / top);
    });
    if (!anyActive) continue;
    for (let x = 0; x < w; x += 1) {
      const u = ((x + 0.5) / w) * 2 - 1;
      // Noise scrolls upwards over time; it both wiggles the tongue centre and eats its edges.
      const n = fbm(u * 2.2, v * 3.2 - t * 2.4, t * 0.9);
      let best = 0;
      for (let i = 0; i < tongues.length; i += 1) {
        const row = rows[i]!;
        if (!row.active) continue;
        const sway = row.swayBase + (n - 0.5) * 0.35 * v;
        const d = Math.abs(u - tongues[i]!.offset - sway) / row.profile;
        const heat = (1 - d) * row.taper + (n - 0.45) * 0.6;
        if (heat > best) best = heat;
      }
      if (best <= 0) continue;
      const intensity = Math.min(1, best * 1.6);
      const [r, g, b] = rampColour(intensity);
      const alpha = Math.min(1, best * 5);
      const o = (y * w + x) * 4;
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(b);
      out[o + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}
