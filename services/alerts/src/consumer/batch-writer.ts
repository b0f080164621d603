import type { Logger } from "@vigil/contracts/node";

export interface BatchWriterOptions<T> {
  /** Stores one batch in one transaction; throws when the database is unreachable. */
  write(items: T[]): Promise<void>;
  maxRows: number;
  maxWaitMs: number;
  /** Batches written at once (each on its own connection); commits may then complete out of order. */
  concurrency?: number;
  logger: Logger;
  /** First retry delay after a failed write; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onBatch?(rows: number, ms: number): void;
  onError?(err: Error): void;
}

interface Pending<T> {
  item: T;
  resolve(): void;
}

/**
 * Collects items for a few milliseconds and stores them in one statement. `add` resolves only once
 * the item is committed — the consumer acknowledges the MQTT message then, so a crash or a database
 * outage loses nothing: failed batches are retried with backoff, in order, until they commit or the
 * writer is closed.
 */
export function createBatchWriter<T>(opts: BatchWriterOptions<T>) {
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  let queue: Pending<T>[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight = 0;
  let inFlightItems = 0;
  let closed = false;
  let healthy = true;
  let backoff = minBackoff;
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

  /** Writes one batch, retrying it with backoff until it commits (or the writer closes). */
  async function writeBatch(batch: Pending<T>[]): Promise<void> {
    while (!closed) {
      const started = performance.now();
      try {
        await opts.write(batch.map((p) => p.item));
      } catch (err) {
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
      opts.onBatch?.(batch.length, performance.now() - started);
      for (const p of batch) p.resolve();
      return;
    }
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
      void writeBatch(batch).finally(() => {
        inFlight--;
        inFlightItems -= batch.length;
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
    add(item: T): Promise<void> {
      if (closed) return Promise.reject(new Error("batch writer is closed"));
      return new Promise<void>((resolve) => {
        queue.push({ item, resolve });
        schedule();
      });
    },
    pending: () => queue.length + inFlightItems,
    healthy: () => healthy,
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
