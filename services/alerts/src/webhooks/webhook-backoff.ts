/** Retry policy of outbound webhooks; the defaults spread 5 tries over about 10 minutes. */
export interface BackoffPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; each next wait is `factor` times longer. */
  firstRetryMs: number;
  factor: number;
  /** ± this share of each wait at random, so receivers coming back are not hit by every queue at once. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 5, firstRetryMs: 40_000, factor: 2, jitter: 0.1 };

/**
 * How long to wait after failed try number `attempt` (1 = the first) before the next, or null when
 * that was the last: the delivery goes to the dead-letter list. 40 s, 80 s, 160 s, 320 s by default
 * (10 min in all). `random` is injectable so the schedule is testable.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number | null {
  if (attempt >= policy.attempts) return null;
  const base = policy.firstRetryMs * policy.factor ** (attempt - 1);
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/** The whole schedule without jitter: the waits between tries (for docs and tests). */
export function retrySchedule(policy: BackoffPolicy = DEFAULT_BACKOFF): number[] {
  const waits: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const d = retryDelayMs(attempt, { ...policy, jitter: 0 });
    if (d === null) return waits;
    waits.push(d);
  }
}

/** A response worth another try: none at all (network, timeout), 408, 429 or a 5xx. Other 4xx will not change. */
export function isRetryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}
