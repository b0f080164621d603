import type { NormalisedBox } from "@vigil/contracts";
import type { RgbImage } from "../detectors/detector.js";
import { Yuv420Image } from "../image/yuv420-image.js";

/**
 * Flame colour, the oldest cue of video fire detection (Chen et al. 2004, "An early fire-detection method based
 * on image processing"): burning material glows red to yellow, so a flame's pixels have R high and R ≥ G > B
 * with a clear red–blue gap. A flame's core may be blown out to white, but its rim is not; headlights, LED signs,
 * white cars and glare are white or bluish throughout. The rule is applied to a region's pixels (sampled on a
 * grid of at most ~4,000 points, so its cost does not depend on the box size).
 */
export function isFlameColoured(r: number, g: number, b: number): boolean {
  return r >= 115 && r >= g && g > b && r - b >= 40;
}

const MAX_SAMPLES_PER_SIDE = 64;

/** The picture the colour statistics sample: a YUV frame's half picture (they sample a sparse grid anyway). */
const sampled = (image: RgbImage): RgbImage => (image instanceof Yuv420Image ? image.half() : image);

/** Share (0..1) of the box's pixels that are flame-coloured. */
export function flameColourShare(frame: RgbImage, box: NormalisedBox): number {
  const image = sampled(frame);
  const [bx, by, bw, bh] = box;
  const x0 = Math.max(0, Math.floor(bx * image.width));
  const y0 = Math.max(0, Math.floor(by * image.height));
  const x1 = Math.min(image.width, Math.ceil((bx + bw) * image.width));
  const y1 = Math.min(image.height, Math.ceil((by + bh) * image.height));
  if (x1 <= x0 || y1 <= y0) return 0;
  const sx = Math.max(1, Math.floor((x1 - x0) / MAX_SAMPLES_PER_SIDE));
  const sy = Math.max(1, Math.floor((y1 - y0) / MAX_SAMPLES_PER_SIDE));
  let n = 0;
  let warm = 0;
  for (let y = y0; y < y1; y += sy) {
    for (let x = x0; x < x1; x += sx) {
      const p = (y * image.width + x) * 3;
      n += 1;
      if (isFlameColoured(image.data[p]!, image.data[p + 1]!, image.data[p + 2]!)) warm += 1;
    }
  }
  return warm / n;
}

/**
 * Mean chroma (mean of |R−G| + |G−B| over a sparse grid, 0..510) of the whole frame. An infrared / night-mode
 * camera gives a grey picture (chroma ≈ 0) in which a fire is white: the colour cue says nothing there.
 */
export function frameChroma(frame: RgbImage): number {
  const image = sampled(frame);
  const step = Math.max(1, Math.floor(Math.sqrt((image.width * image.height) / 4096)));
  let n = 0;
  let sum = 0;
  for (let y = 0; y < image.height; y += step) {
    for (let x = 0; x < image.width; x += step) {
      const p = (y * image.width + x) * 3;
      const r = image.data[p]!, g = image.data[p + 1]!, b = image.data[p + 2]!;
      sum += Math.abs(r - g) + Math.abs(g - b);
      n += 1;
    }
  }
  return n ? sum / n : 0;
}
