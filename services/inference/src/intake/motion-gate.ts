import type { NormalisedBox } from "@vigil/contracts";
import type { RgbImage } from "../detectors/detector.js";
import { Yuv420Image } from "../image/yuv420-image.js";

export interface MotionGateOptions {
  /** Mean absolute grey difference (0..255) of the thumbnails above which a frame has motion. */
  threshold?: number;
  /** Run the detector on the whole frame at least every n-th frame even without motion (lighting drift, a plate that stopped). */
  forceEvery?: number;
  gridWidth?: number;
  gridHeight?: number;
  /** Grey difference (0..255) above which one grid cell counts as changed (the cells that make the motion region). */
  cellThreshold?: number;
  /** Cells added on every side of the changed ones: a grid point samples one pixel per cell, so a moving edge may be a cell away. */
  dilateCells?: number;
  /**
   * A frame also moves when at least this many cells changed, though the mean stays under `threshold`: a far
   * vehicle (150 × 100 px of 1280 × 720 is ~50 cells of 80 × 45) barely moves the mean. A few cells, not one,
   * so that a lone noisy sample does not count.
   */
  minChangedCells?: number;
}

/** A rectangle of grid cells, inclusive bounds. */
export interface CellBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Changed cells inside it. */
  count: number;
}

/** One frame compared with the camera's previous one (MotionGate.observe). */
export interface FrameMotion {
  /** Mean grey difference above the threshold, or minChangedCells cells changed; true on a camera's first frame (nothing to compare with). */
  moving: boolean;
  /** Bounding box of the changed cells, dilated, as fractions of the frame; undefined when no cell changed or on a first frame. */
  region: NormalisedBox | undefined;
  /** The frame's grey thumbnail, for a consumer that compares with an older frame than the previous one (fire/fire-rate-gate.ts). */
  grid: Uint8Array;
}

/** What the plate detector does with a frame. `region`: it may look only there (plates/motion-crop.ts); absent = the whole frame. */
export type DetectPlan = { detect: false } | { detect: true; region?: NormalisedBox };

export const DEFAULT_MOTION_GATE: Required<MotionGateOptions> = { threshold: 2.5, forceEvery: 5, gridWidth: 80, gridHeight: 45, cellThreshold: 20, dilateCells: 2, minChangedCells: 4 };

/** Grey values at the centre of each cell of a gw × gh grid, straight from the RGB buffer or a YUV frame's Y (no resize: 3,600 reads for 80 × 45). */
export function sampleGrey(image: RgbImage, gw: number, gh: number): Uint8Array {
  const out = new Uint8Array(gw * gh);
  const yuv = image instanceof Yuv420Image ? image : undefined;
  for (let gy = 0; gy < gh; gy++) {
    const y = Math.min(image.height - 1, Math.floor(((gy + 0.5) * image.height) / gh));
    for (let gx = 0; gx < gw; gx++) {
      const x = Math.min(image.width - 1, Math.floor(((gx + 0.5) * image.width) / gw));
      if (yuv) {
        out[gy * gw + gx] = yuv.greyAt(x, y);
        continue;
      }
      const p = (y * image.width + x) * 3;
      out[gy * gw + gx] = (image.data[p]! * 77 + image.data[p + 1]! * 150 + image.data[p + 2]! * 29) >> 8;
    }
  }
  return out;
}

/** Mean absolute difference of two grids of one size. */
export function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / Math.max(1, a.length);
}

/** The bounding box of the cells whose grey changed by more than `cellThreshold`; undefined when none did. */
export function changedCells(prev: Uint8Array, cur: Uint8Array, gw: number, cellThreshold: number): CellBox | undefined {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, count = 0;
  for (let i = 0; i < cur.length; i++) {
    if (Math.abs(cur[i]! - prev[i]!) <= cellThreshold) continue;
    const x = i % gw, y = (i - x) / gw;
    count++;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return count === 0 ? undefined : { x0, y0, x1, y1, count };
}

/** A cell box grown by `dilate` cells on every side (clamped to the grid), as fractions of the frame. */
export function cellBoxToRegion(box: CellBox, gw: number, gh: number, dilate: number): NormalisedBox {
  const x0 = Math.max(0, box.x0 - dilate), y0 = Math.max(0, box.y0 - dilate);
  const x1 = Math.min(gw - 1, box.x1 + dilate), y1 = Math.min(gh - 1, box.y1 + dilate);
  return [x0 / gw, y0 / gh, (x1 + 1 - x0) / gw, (y1 + 1 - y0) / gh];
}

/**
 * Cheap per-camera motion check, so a still scene does not pay for the plate detector on every
 * frame (as Frigate runs detection only where there is motion), and a scene moving in one corner
 * pays for a look at that corner only (plates/motion-crop.ts). Compares a coarse grid of grey
 * values with the camera's last one: the mean difference says whether the frame moves, the cells
 * that changed say where.
 */
export class MotionGate {
  private readonly last = new Map<string, Uint8Array>();
  /** Frames since the detector last looked at a camera's whole frame. */
  private readonly sinceWhole = new Map<string, number>();
  private readonly o: Required<MotionGateOptions>;

  constructor(options: MotionGateOptions = {}) {
    this.o = { ...DEFAULT_MOTION_GATE, ...options };
  }

  get gridWidth(): number {
    return this.o.gridWidth;
  }

  /** Samples the frame and compares it with the camera's previous one; call once per frame (it becomes the previous one). */
  observe(cameraId: string, image: RgbImage): FrameMotion {
    const { gridWidth: gw, gridHeight: gh } = this.o;
    const grid = sampleGrey(image, gw, gh);
    const prev = this.last.get(cameraId);
    this.last.set(cameraId, grid);
    if (!prev || prev.length !== grid.length) return { moving: true, region: undefined, grid };
    const cells = changedCells(prev, grid, gw, this.o.cellThreshold);
    const moving = meanDifference(prev, grid) > this.o.threshold || (cells !== undefined && cells.count >= this.o.minChangedCells);
    return { moving, region: cells ? cellBoxToRegion(cells, gw, gh, this.o.dilateCells) : undefined, grid };
  }

  /**
   * The plate detector's plan for an observed frame: skip a still frame, unless the camera has live
   * tracks (`busy`) or its whole frame has not been looked at for `forceEvery` frames. A moving
   * frame of an idle camera offers its motion region; busy or forced frames, and motion without a
   * region (a first frame, a uniform change), are whole-frame looks.
   */
  plan(cameraId: string, motion: FrameMotion, busy: boolean): DetectPlan {
    const since = (this.sinceWhole.get(cameraId) ?? this.o.forceEvery - 1) + 1;
    const forced = since >= this.o.forceEvery;
    if (!busy && !forced && !motion.moving) {
      this.sinceWhole.set(cameraId, since);
      return { detect: false };
    }
    const region = busy || forced ? undefined : motion.region;
    // A look at a region only does not count as a look at the whole frame.
    this.sinceWhole.set(cameraId, region ? since : 0);
    return region ? { detect: true, region } : { detect: true };
  }

  /** observe + plan, for a caller that wants only whether the detector runs. */
  shouldDetect(cameraId: string, image: RgbImage, busy: boolean): boolean {
    return this.plan(cameraId, this.observe(cameraId, image), busy).detect;
  }

  forget(cameraId: string): void {
    this.last.delete(cameraId);
    this.sinceWhole.delete(cameraId);
  }
}
