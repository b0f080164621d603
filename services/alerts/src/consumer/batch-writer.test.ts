import { describe, expect, it } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { createBatchWriter } from "./batch-writer.js";
import { EventRejectedError } from "./event-rejected.js";

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

  it("splits a batch the store refuses for an item's sake, stores the rest and rejects only the poison", async () => {
    const stored: number[] = [];
    const attempts: number[][] = [];
    const rejected: number[] = [];
    const poison = new Set([13, 27]);
    const w = createBatchWriter<number>({
      write: async (b) => {
        attempts.push(b);
        if (b.some((i) => poison.has(i))) throw Object.assign(new Error("time zone displacement out of range"), { code: "22009" });
        stored.push(...b);
      },
      classify: (err) => ((err as { code?: string }).code === "22009" ? "data" : "transient"),
      maxRows: 40,
      maxWaitMs: 5,
      logger,
      onRejected: (i) => void rejected.push(i),
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => w.add(i)));
    expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => !poison.has(i)));
    expect(rejected.sort()).toEqual([13, 27]);
    const failed = outcomes.flatMap((o, i) => (o.status === "rejected" ? [i] : []));
    expect(failed).toEqual([13, 27]);
    const reason = (outcomes[13] as PromiseRejectedResult).reason as EventRejectedError;
    expect(reason).toBeInstanceOf(EventRejectedError);
    expect(reason.label).toBe("storage");
    expect(reason.reason).toMatch(/time zone displacement/);
    // Bisection: a few writes per poison item, not one per item.
    expect(attempts.length).toBeLessThan(25);
    expect(w.healthy()).toBe(true);
    expect(w.pending()).toBe(0);
  });

  it("retries a transient failure inside a split half instead of rejecting", async () => {
    let outage = 0;
    const stored: number[] = [];
    const w = createBatchWriter<number>({
      write: async (b) => {
        if (b.includes(2)) throw Object.assign(new Error("bad value"), { code: "22P02" });
        if (b.length === 2 && outage++ < 2) throw new Error("Connection terminated unexpectedly");
        stored.push(...b);
      },
      classify: (err) => ((err as { code?: string }).code?.startsWith("22") ? "data" : "transient"),
      maxRows: 10,
      maxWaitMs: 1,
      minBackoffMs: 2,
      logger,
    });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((i) => w.add(i)));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(stored.sort()).toEqual([1, 3, 4]);
    expect(outage).toBeGreaterThanOrEqual(2);
  });

  it("reports how long pending items have waited without a commit", async () => {
    let clock = 1_000;
    let fail = true;
    const w = createBatchWriter<number>({
      write: async () => {
        if (fail) throw new Error("connection refused");
      },
      maxRows: 10,
      maxWaitMs: 1,
      minBackoffMs: 5,
      maxBackoffMs: 5,
      logger,
      now: () => clock,
    });
    expect(w.stalledMs()).toBe(0);
    clock = 5_000;
    const stored = w.add(1);
    expect(w.stalledMs()).toBe(0); // waiting starts now, not at the last commit long ago
    clock = 35_000;
    await new Promise((r) => setTimeout(r, 20));
    expect(w.stalledMs()).toBe(30_000);
    expect(w.healthy()).toBe(false);
    fail = false;
    await stored;
    expect(w.stalledMs()).toBe(0);
    await w.close();
  });
});
