/**
 * In keyframes-only mode ffmpeg emits every keyframe (the GOP decides their rate), and ffmpeg's
 * fps filter would duplicate frames to fill gaps. This keeps a long-run average of at most
 * `fps` by scheduling a "due" time per slot; a frame up to half a period early still takes its
 * slot, so keyframes arriving slightly faster than `fps` are not halved.
 */
export class KeyframeSampler {
  private nextDue = -Infinity;
  private readonly periodMs: number;

  constructor(fps: number) {
    this.periodMs = 1000 / fps;
  }

  accept(nowMs: number): boolean {
    if (nowMs < this.nextDue - this.periodMs / 2) return false;
    // After a long gap, start a fresh schedule instead of letting a burst through.
    this.nextDue = Math.max(this.nextDue + this.periodMs, nowMs + this.periodMs);
    return true;
  }
}
