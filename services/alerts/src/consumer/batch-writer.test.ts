import { describe, expect, it } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { createBatchWriter } from "./batch-writer.js";

const logger = createLogger({ name: "t", level: "silent" });

describe("batch writer", () => {
  it("collects items into batches bounded by maxRows and resolves after the write", async () => {
    const batches: number[][] = [];
    const w = createBatchWriter<number>({ write: async (b) => void batches.push(b), maxRows: 4, maxWaitMs: 5, logger });
    await Promise.all(Array.from({ length: 10 }, (_, i) => w.add(i)));
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    expect(batches.length).toBeLessThan(10);
  });

  it("keeps items and retries in order until the store comes back", async () => {
    let failures = 3;
    const stored: number[] = [];
    let errors = 0;
    const w = createBatchWriter<number>({
      write: async (b) => {
        if (failures-- > 0) throw new Error("connection refused");
        stored.push(...b);
      },
      maxRows: 100,
      maxWaitMs: 1,
      minBackoffMs: 5,
      logger,
      onError: () => errors++,
    });
    let resolved = 0;
    const all = [1, 2, 3].map((i) => w.add(i).then(() => resolved++));
    await new Promise((r) => setTimeout(r, 2));
    expect(resolved).toBe(0);
    await Promise.all(all);
    expect(stored).toEqual([1, 2, 3]);
    expect(errors).toBe(3);
    expect(w.healthy()).toBe(true);
    expect(w.pending()).toBe(0);
  });

  it("writes up to `concurrency` batches at once and still stores everything", async () => {
    let active = 0;
    let peak = 0;
    const stored: number[] = [];
    const w = createBatchWriter<number>({
      write: async (b) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 10));
        stored.push(...b);
        active--;
      },
      maxRows: 5,
      maxWaitMs: 1,
      concurrency: 3,
      logger,
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => w.add(i)));
    expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(3);
    await w.close();
  });

  it("refuses items after close", async () => {
    const w = createBatchWriter<number>({ write: async () => undefined, maxRows: 10, maxWaitMs: 1, logger });
    await w.close();
    await expect(w.add(1)).rejects.toThrow(/closed/);
  });
});
