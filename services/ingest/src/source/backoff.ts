/**
 * Reconnect delays: exponential from `minMs` to `maxMs` with jitter, so that many cameras behind
 * one failed NVR or switch do not all reconnect in the same instant when it comes back.
 */
export interface BackoffOptions {
  minMs?: number;
  maxMs?: number;
  /** Fraction of the delay that is randomised (0 = none, 1 = "full jitter"). */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor({ minMs = 1000, maxMs = 30_000, jitter = 0.3, random = Math.random }: BackoffOptions = {}) {
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.jitter = jitter;
    this.random = random;
  }

  /** The delay before the next attempt; each call doubles the base up to `maxMs`. */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    // Jitter only shortens the wait, so the cap and the floor stay true bounds.
    const delay = base * (1 - this.jitter * this.random());
    return Math.max(this.minMs, Math.round(delay));
  }

  /** Called once a connection has delivered frames again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
