import { describe, expect, it } from "vitest";
import { FrameBufferPool } from "./frame-buffer-pool.js";

describe("FrameBufferPool", () => {
  it("hands a released buffer out again for the same size, and a new one while all are lent", () => {
    const pool = new FrameBufferPool();
    const a = pool.take(12);
    const b = pool.take(12);
    expect(b).not.toBe(a);
    pool.release(a);
    expect(pool.take(12)).toBe(a);
    expect([pool.allocated, pool.reused]).toEqual([2, 1]);
  });

  it("takes back only what it lent, once: a foreign buffer or a second release of a frame changes nothing", () => {
    const pool = new FrameBufferPool();
    pool.release(Buffer.alloc(12));
    expect(pool.freeCount).toBe(0);
    const a = pool.take(12);
    pool.release(a);
    pool.release(a);
    expect(pool.freeCount).toBe(1);
    // Released twice must not mean lent twice: two frames would share one buffer.
    const x = pool.take(12);
    const y = pool.take(12);
    expect(x).toBe(a);
    expect(y).not.toBe(a);
  });

  it("keeps at most `keep` free buffers, and forgets the old size after a resolution change", () => {
    const pool = new FrameBufferPool(2);
    const lent = [pool.take(12), pool.take(12), pool.take(12)];
    for (const b of lent) pool.release(b);
    expect(pool.freeCount).toBe(2);
    const bigger = pool.take(48);
    expect(bigger.length).toBe(48);
    pool.release(bigger);
    expect(pool.freeCount).toBe(1);
    expect(pool.take(48)).toBe(bigger);
  });
});
