import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, isRetryable, retryDelayMs, retrySchedule } from "./webhook-backoff.js";

describe("webhook retry schedule", () => {
  it("5 tries by default: waits of 40 s, 80 s, 160 s, 320 s — 10 minutes in all — then none", () => {
    expect(retrySchedule()).toEqual([40_000, 80_000, 160_000, 320_000]);
    expect(retrySchedule().reduce((a, b) => a + b, 0)).toBe(600_000);
    expect(retryDelayMs(5)).toBeNull();
  });

  it("jitter stays within ±10 % and is driven by the random source", () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0)).toBe(36_000);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0.5)).toBe(40_000);
    expect(retryDelayMs(2, DEFAULT_BACKOFF, () => 0.999999)).toBe(88_000);
  });

  it("a custom policy (tests, env): 3 tries, first retry 200 ms", () => {
    expect(retrySchedule({ attempts: 3, firstRetryMs: 200, factor: 2, jitter: 0 })).toEqual([200, 400]);
    expect(retrySchedule({ attempts: 1, firstRetryMs: 200, factor: 2, jitter: 0 })).toEqual([]);
  });

  it("retries what may pass later (no answer, 408, 429, 5xx), not what will not (other 4xx)", () => {
    expect([null, 408, 429, 500, 503].map(isRetryable)).toEqual([true, true, true, true, true]);
    expect([400, 401, 404, 410].map(isRetryable)).toEqual([false, false, false, false]);
  });
});
