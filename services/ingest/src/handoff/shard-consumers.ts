import type { ServiceStatus } from "@vigil/contracts";

export interface ShardConsumersOptions {
  /** Shards ingest spreads cameras over (FRAME_SHARDS); only used to word the reason. */
  shardCount: number;
  /**
   * How long after start a shard with no status at all still counts as consumed. Retained statuses
   * arrive within milliseconds of subscribing, so this only covers a slow broker or a worker that is
   * starting at the same time; past it, silence means no worker.
   */
  graceMs: number;
  /** When ingest started watching (epoch ms). */
  startedAt: number;
}

/**
 * Which frame shards an inference worker consumes, from the workers' retained status (their
 * "online" on connect, the broker's "offline" will when they vanish). Pure: the MQTT adapter feeds
 * it statuses and asks it, with the clock passed in.
 */
export class ShardConsumers {
  private readonly states = new Map<number, ServiceStatus["state"]>();

  constructor(private readonly o: ShardConsumersOptions) {}

  update(status: Pick<ServiceStatus, "shard" | "state">): void {
    this.states.set(status.shard, status.state);
  }

  /** Why frames of `shard` are not analysed now, or undefined while a worker consumes them (or during the grace). */
  unavailable(shard: number, now: number): string | undefined {
    const state = this.states.get(shard);
    if (state === "online") return undefined;
    if (state === undefined && now - this.o.startedAt < this.o.graceMs) return undefined;
    return `no inference worker for shard ${shard}/${this.o.shardCount} (frames are not being analysed)`;
  }
}
