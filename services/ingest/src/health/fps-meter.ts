/** Frames per second over a sliding window of recent frame times. */
export class FpsMeter {
  private readonly times: number[] = [];
  private firstAt: number | null = null;

  constructor(private readonly windowMs: number) {}

  add(at: number): void {
    if (this.firstAt === null) this.firstAt = at;
    this.times.push(at);
    this.trim(at);
  }

  count(now: number): number {
    this.trim(now);
    return this.times.length;
  }

  /** Over the full window, or since the first frame while the window is still filling. */
  fps(now: number): number {
    this.trim(now);
    if (this.firstAt === null || this.times.length === 0) return 0;
    const span = Math.min(this.windowMs, Math.max(1000, now - this.firstAt));
    return (this.times.length * 1000) / span;
  }

  private trim(now: number): void {
    while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
  }
}
