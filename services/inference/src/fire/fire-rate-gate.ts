import { changedCells, DEFAULT_MOTION_GATE } from "../intake/motion-gate.js";

export interface FireRateOptions {
  /** On a static scene with nothing suspected, the fire chain looks at every n-th analysed frame (1: every frame). */
  staticEvery: number;
  /**
   * On a changing scene (traffic) with nothing suspected, every n-th frame (1: every frame). The first sighting
   * of a fire then comes at most n − 1 frames later; from it on the camera is at full rate.
   */
  movingEvery: number;
  /**
   * While a fire event is ongoing (confirmed, not cleared), every n-th frame whatever else is seen: the alarm is
   * raised and the confirmer only has to keep the event alive (clearAfterMs) and update it (updateIntervalMs);
   * smoke in the same scene is confirmed at this rate too, as a part of an alarm that is already there.
   */
  ongoingEvery: number;
  /** Grid width of the motion thumbnails (intake/motion-gate.ts). */
  gridWidth: number;
  /** Grey difference of one grid cell that counts as a change. */
  cellThreshold: number;
}

/**
 * At 2 fps, a static scene is looked at every 2 s, a street with traffic and an ongoing fire every second (on a real
 * intersection the fire chain was 12.8 of 33.2 ms CPU per frame: bench/inference-gating.ts).
 */
export const DEFAULT_FIRE_RATE: FireRateOptions = { staticEvery: 4, movingEvery: 2, ongoingEvery: 2, gridWidth: DEFAULT_MOTION_GATE.gridWidth, cellThreshold: DEFAULT_MOTION_GATE.cellThreshold };

/**
 * The fire chain at a lower rate, per camera, in two cases; on every other frame it looks.
 * While a fire is ongoing (FireConfirmer.fireOngoing), it looks at every `ongoingEvery`-th frame until the event clears.
 * While nothing is suspected (the confirmer holds no ongoing event and no detection or sub-threshold candidate in
 * its windows: FireConfirmer.suspects, so no confirmation can be under way), it skips a frame when it looked less
 * than `staticEvery` frames ago if the picture has not changed since the fire chain last looked (no cell of the
 * motion grid differs by more than `cellThreshold` from the frame it last analysed, not merely the previous frame,
 * so a slow change, smoke thickening a little per frame, adds up until it counts), or less than `movingEvery`
 * frames ago if it has.
 * A fire is a change: the frame where one appears differs from the last analysed one, so it is looked at within
 * `movingEvery` − 1 frames (0.5 s at 2 fps and the default 2), and from its first detection or candidate the
 * camera is at full rate again, the confirmer seeing every frame as before. What is skipped is a frame with
 * nothing in view the confirmer was weighing: on a static scene one that is, to the grid's resolution, the one
 * already analysed; on a busy street every other frame, since the confirmer's rules need a fire seen in 3 of 5
 * frames from its first sighting on and so lose nothing but that first half second.
 */
export class FireRateGate {
  private readonly cameras = new Map<string, { reference: Uint8Array; since: number }>();
  private readonly o: FireRateOptions;

  constructor(options: Partial<FireRateOptions> = {}) {
    this.o = { ...DEFAULT_FIRE_RATE, ...options };
  }

  /**
   * Whether the fire chain looks at this frame; `grid`: its motion thumbnail; `suspected`: the confirmer's suspects();
   * `fireOngoing`: its fireOngoing().
   */
  shouldRun(cameraId: string, grid: Uint8Array, suspected: boolean, fireOngoing = false): boolean {
    const last = this.cameras.get(cameraId);
    if (last && last.reference.length === grid.length && last.since + 1 < this.every(last.reference, grid, suspected, fireOngoing)) {
      last.since += 1;
      return false;
    }
    this.cameras.set(cameraId, { reference: grid, since: 0 });
    return true;
  }

  /** Every how many frames the chain looks now (the motion grid is compared only when that decides it). */
  private every(reference: Uint8Array, grid: Uint8Array, suspected: boolean, fireOngoing: boolean): number {
    if (fireOngoing) return this.o.ongoingEvery;
    if (suspected) return 1;
    return changedCells(reference, grid, this.o.gridWidth, this.o.cellThreshold) === undefined ? this.o.staticEvery : this.o.movingEvery;
  }

  forget(cameraId: string): void {
    this.cameras.delete(cameraId);
  }
}
