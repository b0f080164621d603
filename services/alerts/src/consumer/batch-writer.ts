import type { Logger } from "@vigil/contracts/node";
import { EventRejectedError } from "./event-rejected.js";

export interface BatchWriterOptions<T> {
  /** Stores one batch in one transaction; throws when the database is unreachable or refuses a value. */
  write(items: T[]): Promise<unknown>;
  maxRows: number;
  maxWaitMs: number;
  /** Batches written at once (each on its own connection); commits may then complete out of order. */
  concurrency?: number;
  logger: Logger;
  /**
   * "data": the items are at fault (the same write fails the same way for ever): the batch is split
   * in halves until the offending item stands alone, and that item is rejected. "transient" (the
   * default for everything): the batch is retried with backoff.
   */
  classify?(err: unknown): "transient" | "data";
  /** First retry delay after a failed write; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onBatch?(rows: number, ms: number): void;
  onError?(err: Error): void;
  /** An item the store refused on its own; its `add` promise rejects with an EventRejectedError. */
  onRejected?(item: T, err: Error): void;
  now?(): number;
}

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Collects items for a few milliseconds and stores them in one statement. `add` resolves only once
 * the item is committed — the consumer acknowledges the MQTT message then, so a crash or a database
 * outage loses nothing: batches failing for the database's sake are retried with backoff until they
 * commit or the writer is closed. A batch failing for an item's sake (a value the database refuses)
 * is bisected: everything else commits, and only the offending item's `add` rejects (the consumer
 * dead-letters and acknowledges it), so one poison event can never stop storage.
 */
export function createBatchWriter<T>(opts: BatchWriterOptions<T>) {
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const classify = opts.classify ?? (() => "transient" as const);
  const now = opts.now ?? Date.now;
  let queue: Pending<T>[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight = 0;
  let inFlightItems = 0;
  let closed = false;
  let healthy = true;
  let backoff = minBackoff;
  // Last commit or rejection, or when items started waiting after an idle spell: the basis of `stalledMs`.
  let lastProgress = now();
  const idle: (() => void)[] = [];
  const wakers = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(t);
        wakers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      wakers.add(wake);
    });

  /**
   * Writes one batch: retried with backoff while the store is failing; split in halves (each written
   * the same way) when an item is at fault, down to the single item, which is rejected.
   */
  async function writeBatch(batch: Pending<T>[]): Promise<void> {
    while (!closed) {
      const started = performance.now();
      try {
        await opts.write(batch.map((p) => p.item));
      } catch (err) {
        if (classify(err) === "data") return splitBatch(batch, err as Error);
        if (healthy) opts.logger.warn({ err, pending: queue.length + inFlightItems }, "storing a batch failed; retrying with backoff (messages stay unacknowledged)");
        healthy = false;
        opts.onError?.(err as Error);
        await sleep(backoff);
        backoff = Math.min(maxBackoff, backoff * 2);
        continue;
      }
      if (!healthy) opts.logger.info({ pending: queue.length + inFlightItems }, "storage is back; writing the backlog");
      healthy = true;
      backoff = minBackoff;
      lastProgress = now();
      inFlightItems -= batch.length;
      opts.onBatch?.(batch.length, performance.now() - started);
      for (const p of batch) p.resolve();
      return;
    }
  }

  async function splitBatch(batch: Pending<T>[], err: Error): Promise<void> {
    if (batch.length === 1) {
      const p = batch[0]!;
      opts.logger.warn({ err: err.message }, "the store refused an item on its own; rejecting it (it goes to the dead-letter topic)");
      opts.onRejected?.(p.item, err);
      lastProgress = now();
      inFlightItems--;
      p.reject(new EventRejectedError(`the database refused the event: ${err.message}`.slice(0, 1000), "storage"));
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await writeBatch(batch.slice(0, half));
    await writeBatch(batch.slice(half));
  }

  function pump(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    // While storage is failing only one batch probes it; the rest wait in the queue.
    while (queue.length && inFlight < (healthy ? concurrency : 1) && !closed) {
      const batch = queue.slice(0, opts.maxRows);
      queue = queue.slice(batch.length);
      inFlight++;
      inFlightItems += batch.length;
      // Each item leaves `inFlightItems` as it is committed or rejected (a split batch settles in parts).
      void writeBatch(batch).finally(() => {
        inFlight--;
        if (queue.length) schedule();
        if (!inFlight && !queue.length) idle.splice(0).forEach((f) => f());
      });
    }
  }

  function schedule(): void {
    if (timer || closed) return;
    if (queue.length >= opts.maxRows || opts.maxWaitMs === 0) pump();
    else timer = setTimeout(pump, opts.maxWaitMs);
  }

  return {
    /** Resolves once `item` is committed; rejects with an EventRejectedError when the store refuses it. */
    add(item: T): Promise<void> {
      if (closed) return Promise.reject(new Error("batch writer is closed"));
      if (!queue.length && !inFlightItems) lastProgress = now();
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    pending: () => queue.length + inFlightItems,
    healthy: () => healthy,
    /** How long items have waited without any commit (0 when nothing is pending). */
    stalledMs: () => (queue.length + inFlightItems ? Math.max(0, now() - lastProgress) : 0),
    /** Writes what can be written within `timeoutMs`, then stops (unwritten items stay unacknowledged). */
    async close(timeoutMs = 5_000): Promise<void> {
      pump();
      const drained = inFlight || queue.length ? new Promise<void>((r) => idle.push(r)) : Promise.resolve();
      await Promise.race([drained, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      closed = true;
      wakers.forEach((w) => w());
    },
  };
}
export type BatchWriter<T> = ReturnType<typeof createBatchWriter<T>>;
