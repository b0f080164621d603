import type { RgbImage } from "../detectors/detector.js";

export interface MotionGateOptions {
  /** Mean absolute grey difference (0..255) of the thumbnails above which a frame has motion. */
  threshold?: number;
  /** Run the detector at least every n-th frame even without motion (lighting drift, a plate that stopped). */
  forceEvery?: number;
  gridWidth?: number;
  gridHeight?: number;
}

/**
 * Cheap per-camera motion check, so a still scene does not pay for the plate detector on every
 * frame (as Frigate runs detection only where there is motion). Samples a coarse grid of grey
 * values straight from the RGB buffer (no resize) and compares it with the camera's last one.
 */
export class MotionGate {
  private readonly last = new Map<string, { grid: Uint8Array; sinceDetect: number }>();
  private readonly o: Required<MotionGateOptions>;

  constructor(options: MotionGateOptions = {}) {
    this.o = { threshold: options.threshold ?? 2.5, forceEvery: options.forceEvery ?? 5, gridWidth: options.gridWidth ?? 80, gridHeight: options.gridHeight ?? 45 };
  }

  /** True when the detector should run on this frame. `busy`: the camera has live tracks (always detect). */
  shouldDetect(cameraId: string, image: RgbImage, busy: boolean): boolean {
    const grid = this.sample(image);
    const prev = this.last.get(cameraId);
    let moving = true;
    if (prev && prev.grid.length === grid.length) {
      let sum = 0;
      for (let i = 0; i < grid.length; i++) sum += Math.abs(grid[i]! - prev.grid[i]!);
      moving = sum / grid.length > this.o.threshold;
    }
    const sinceDetect = prev ? prev.sinceDetect + 1 : this.o.forceEvery;
    const detect = busy || moving || sinceDetect >= this.o.forceEvery;
    this.last.set(cameraId, { grid, sinceDetect: detect ? 0 : sinceDetect });
    return detect;
  }

  forget(cameraId: string): void {
    this.last.delete(cameraId);
  }

  private sample(image: RgbImage): Uint8Array {
    const { gridWidth: gw, gridHeight: gh } = this.o;
    const out = new Uint8Array(gw * gh);
    for (let gy = 0; gy < gh; gy++) {
      const y = Math.min(image.height - 1, Math.floor(((gy + 0.5) * image.height) / gh));
      for (let gx = 0; gx < gw; gx++) {
        const x = Math.min(image.width - 1, Math.floor(((gx + 0.5) * image.width) / gw));
        const p = (y * image.width + x) * 3;
        out[gy * gw + gx] = (image.data[p]! * 77 + image.data[p + 1]! * 150 + image.data[p + 2]! * 29) >> 8;
      }
    }
    return out;
  }
}
