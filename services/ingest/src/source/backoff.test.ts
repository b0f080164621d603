import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  it("doubles from 1 s up to the 30 s cap without jitter", () => {
    const b = new Backoff({ jitter: 0 });
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("keeps jittered delays within [min, base] and spreads them", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const samples = Array.from({ length: 200 }, () => {
      const b = new Backoff({ random, jitter: 0.5 });
      b.next();
      b.next();
      return b.next(); // base 4000
    });
    for (const d of samples) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it("starts again from the minimum after reset", () => {
    const b = new Backoff({ jitter: 0 });
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(1000);
  });
});
