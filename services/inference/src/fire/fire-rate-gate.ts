import { changedCells, DEFAULT_MOTION_GATE } from "../intake/motion-gate.js";

export interface FireRateOptions {
  /** On a static scene with nothing suspected, the fire chain looks at every n-th analysed frame (1: every frame). */
  staticEvery: number;
  /** Grid width of the motion thumbnails (intake/motion-gate.ts). */
  gridWidth: number;
  /** Grey difference of one grid cell that counts as a change. */
  cellThreshold: number;
}

/** At 2 fps, a static scene is looked at every 2 s. */
export const DEFAULT_FIRE_RATE: FireRateOptions = { staticEvery: 4, gridWidth: DEFAULT_MOTION_GATE.gridWidth, cellThreshold: DEFAULT_MOTION_GATE.cellThreshold };

/**
 * The fire chain at a lower rate on static scenes, per camera. It skips a frame only when all of these hold:
 * - nothing is suspected: the confirmer holds no ongoing event and no detection or sub-threshold candidate in
 *   its windows (FireConfirmer.suspects), so no confirmation can be under way;
 * - the picture has not changed since the fire chain last looked: no cell of the motion grid differs by more
 *   than `cellThreshold` from the frame it last analysed (not merely the previous frame, so a slow change,
 *   smoke thickening a little per frame, adds up until it counts);
 * - it looked less than `staticEvery` frames ago (lighting drift below the cell threshold still gets a look).
 * A fire is a change: flames flicker and smoke spreads, so the frame where one appears differs from the last
 * analysed one and is analysed, and from its first detection or candidate the camera is at full rate again,
 * the confirmer seeing every frame as before. Time to alert does not grow; what is skipped is a frame that is,
 * to the grid's resolution, the one already analysed, with nothing in view the confirmer was weighing.
 */
export class FireRateGate {
  private readonly cameras = new Map<string, { reference: Uint8Array; since: number }>();
  private readonly o: FireRateOptions;

  constructor(options: Partial<FireRateOptions> = {}) {
    this.o = { ...DEFAULT_FIRE_RATE, ...options };
  }

  /** Whether the fire chain looks at this frame; `grid`: its motion thumbnail; `suspected`: the confirmer's suspects(). */
  shouldRun(cameraId: string, grid: Uint8Array, suspected: boolean): boolean {
    const last = this.cameras.get(cameraId);
    const run =
      this.o.staticEvery <= 1 ||
      suspected ||
      !last ||
      last.reference.length !== grid.length ||
      last.since + 1 >= this.o.staticEvery ||
      changedCells(last.reference, grid, this.o.gridWidth, this.o.cellThreshold) !== undefined;
    if (run) this.cameras.set(cameraId, { reference: grid, since: 0 });
    else last!.since += 1;
    return run;
  }

  forget(cameraId: string): void {
    this.cameras.delete(cameraId);
  }
}
