/**
 * Promise chains keyed by camera: a camera keeps the lane it was first given, so its frames run one
 * after another (its tracker and motion gate see them in order) while other lanes proceed. Lanes
 * are given round-robin rather than by hash so that a few cameras never pile onto one lane.
 */
export class FrameLanes {
  private readonly tails: Promise<void>[];
  private readonly laneOf = new Map<string, number>();

  constructor(readonly count: number) {
    this.tails = Array.from({ length: count }, () => Promise.resolve());
  }

  lane(cameraId: string): number {
    let lane = this.laneOf.get(cameraId);
    if (lane === undefined) {
      lane = this.laneOf.size % this.count;
      this.laneOf.set(cameraId, lane);
    }
    return lane;
  }

  /** Runs `task` (given the lane) after everything queued before it on this camera's lane; settles with the task. */
  run(cameraId: string, task: (lane: number) => Promise<void>): Promise<void> {
    const lane = this.lane(cameraId);
    const result = this.tails[lane]!.then(() => task(lane));
    this.tails[lane] = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.all(this.tails);
  }
}
