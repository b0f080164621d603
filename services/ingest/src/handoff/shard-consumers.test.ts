import { describe, expect, it } from "vitest";
import { ShardConsumers } from "./shard-consumers.js";

const reason = (shard: number, count: number) => `no inference worker for shard ${shard}/${count} (frames are not being analysed)`;

describe("ShardConsumers", () => {
  it("gives a shard with no status the grace period, then calls it unconsumed", () => {
    const c = new ShardConsumers({ shardCount: 2, graceMs: 10_000, startedAt: 1000 });
    expect(c.unavailable(0, 1000)).toBeUndefined();
    expect(c.unavailable(0, 10_999)).toBeUndefined();
    expect(c.unavailable(0, 11_000)).toBe(reason(0, 2));
    expect(c.unavailable(1, 60_000)).toBe(reason(1, 2));
  });

  it("follows each shard's latest state: offline at once, even within the grace; online again on announce", () => {
    const c = new ShardConsumers({ shardCount: 2, graceMs: 10_000, startedAt: 0 });
    c.update({ shard: 0, state: "online" });
    c.update({ shard: 1, state: "offline" });
    expect(c.unavailable(0, 5)).toBeUndefined();
    expect(c.unavailable(1, 5)).toBe(reason(1, 2));

    c.update({ shard: 0, state: "offline" });
    expect(c.unavailable(0, 20_000)).toBe(reason(0, 2));
    c.update({ shard: 0, state: "online" });
    expect(c.unavailable(0, 20_000)).toBeUndefined();
    // Shard 1 is untouched by shard 0's worker.
    expect(c.unavailable(1, 20_000)).toBe(reason(1, 2));
  });

  it("keeps an online shard consumed however long after start", () => {
    const c = new ShardConsumers({ shardCount: 1, graceMs: 0, startedAt: 0 });
    c.update({ shard: 0, state: "online" });
    expect(c.unavailable(0, 86_400_000)).toBeUndefined();
  });
});
