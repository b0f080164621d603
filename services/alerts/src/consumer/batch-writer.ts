import type { Logger } from "@vigil/contracts/node";

export interface BatchWriterOptions<T> {
  /** Stores one batch in one transaction; throws when the database is unreachable. */
  write(items: T[]): Promise<void>;
  maxRows: number;
  maxWaitMs: number;
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
  let queue: Pending<T>[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let closed = false;
  let healthy = true;
  let wake: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  async function drain(): Promise<void> {
    let backoff = minBackoff;
    while (queue.length && !closed) {
      const batch = queue.slice(0, opts.maxRows);
      const started = performance.now();
      try {
        await opts.write(batch.map((p) => p.item));
      } catch (err) {
        if (healthy) opts.logger.warn({ err, pending: queue.length }, "storing a batch failed; retrying with backoff (messages stay unacknowledged)");
        healthy = false;
        opts.onError?.(err as Error);
        await sleep(backoff);
        backoff = Math.min(maxBackoff, backoff * 2);
        continue;
      }
      if (!healthy) opts.logger.info({ pending: queue.length }, "storage is back; writing the backlog");
      healthy = true;
      backoff = minBackoff;
      queue = queue.slice(batch.length);
      opts.onBatch?.(batch.length, performance.now() - started);
      for (const p of batch) p.resolve();
    }
  }

  function kick(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (running) return;
    running = drain().finally(() => {
      running = null;
      if (queue.length && !closed) schedule();
    });
  }

  function schedule(): void {
    if (running || timer) return;
    if (queue.length >= opts.maxRows || opts.maxWaitMs === 0) kick();
    else timer = setTimeout(kick, opts.maxWaitMs);
  }

  return {
    add(item: T): Promise<void> {
      if (closed) return Promise.reject(new Error("batch writer is closed"));
      return new Promise<void>((resolve) => {
        queue.push({ item, resolve });
        schedule();
      });
    },
    pending: () => queue.length,
    healthy: () => healthy,
    /** Writes what can be written within `timeoutMs`, then stops (unwritten items stay unacknowledged). */
    async close(timeoutMs = 5_000): Promise<void> {
      if (timer) kick();
      const done = running ?? Promise.resolve();
      await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      closed = true;
      wake?.();
    },
  };
}
export type BatchWriter<T> = ReturnType<typeof createBatchWriter<T>>;
