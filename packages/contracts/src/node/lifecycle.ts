import type { Logger } from "./logger.js";

/**
 * A service built by its `compose(env, adapters)`: `start` brings it up (its stages in order) and
 * resolves with what callers use; `stop` takes it down in the reverse order. Both `main.ts` and
 * `npm start` run the same composition, each with its own adapters.
 */
export interface Composition<T> {
  start(): Promise<T>;
  stop(): Promise<void>;
}

export interface StopStack {
  /** Adds a step; steps stop in the reverse order they were added. */
  push(name: string, stop: () => unknown): void;
  /** Runs each step once, last added first; a failing step is logged and the others still run. */
  stopAll(): Promise<void>;
}

export function createStopStack(logger: Logger): StopStack {
  const steps: { name: string; stop: () => unknown }[] = [];
  return {
    push(name, stop) {
      steps.push({ name, stop });
    },
    async stopAll() {
      for (const step of steps.splice(0).reverse()) {
        try {
          await step.stop();
        } catch (err) {
          logger.warn({ err, step: step.name }, "stop step failed");
        }
      }
    },
  };
}

/**
 * A composition whose `start` pushes a stop step for each stage it brings up: a start that fails
 * half-way stops what it had started (and rethrows); `stop` stops everything, last started first.
 */
export function composition<T>(logger: Logger, start: (stops: StopStack) => Promise<T>): Composition<T> {
  const stops = createStopStack(logger);
  return {
    async start() {
      try {
        return await start(stops);
      } catch (err) {
        await stops.stopAll();
        throw err;
      }
    },
    stop: () => stops.stopAll(),
  };
}

export interface ShutdownOptions {
  logger: Logger;
  stop: () => Promise<void>;
  /** Exit with status 1 when stopping takes longer than this. */
  forceAfterMs: number;
  /** After a clean stop, before the process exits with 0. */
  onStopped?: () => void;
}

/**
 * SIGINT/SIGTERM → `stop` once, bounded in time, then exit. `on`, not `once`: tsx relays a terminal
 * Ctrl-C, so a signal can arrive twice, and the second must not kill a shutdown in progress.
 */
export function stopOnSignals(o: ShutdownOptions): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      o.logger.error({ ms: o.forceAfterMs }, "shutdown took too long; exiting");
      process.exit(1);
    }, o.forceAfterMs);
    force.unref();
    await o.stop().catch((err: unknown) => o.logger.error({ err }, "shutdown failed"));
    clearTimeout(force);
    o.onStopped?.();
    process.exit(0);
  };
  process.on("SIGINT", (s) => void shutdown(s));
  process.on("SIGTERM", (s) => void shutdown(s));
}
