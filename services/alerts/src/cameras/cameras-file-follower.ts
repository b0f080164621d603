import type { CameraConfig } from "@vigil/contracts";
import { loadCamerasFile, watchCamerasFile, type Logger } from "@vigil/contracts/node";

/** How one look at the edited file ended (the `result` label of `vigil_alerts_cameras_file_reloads_total`). */
export type CamerasFileReload = "applied" | "unchanged" | "invalid" | "failed";

export interface CamerasFileFollowerDeps {
  file: string;
  /** The cameras the service started with (already applied): an edit that restores them is "unchanged". */
  initial: CameraConfig[];
  /** Applies a new version (the camera service's `seed`, then the push to ingest and consoles). */
  apply(cameras: CameraConfig[]): Promise<void>;
  logger: Logger;
  onReload?: (result: CamerasFileReload) => void;
  /** Defaults: the contracts loader and directory watcher (the same ones ingest follows the file with). */
  load?: (file: string) => Promise<CameraConfig[]>;
  watch?: (file: string, onChange: () => void) => { close(): void };
}

/**
 * Follows CAMERAS_FILE while the alert service runs, so that an edit applies without a restart
 * (issue 16). The watch is on the file's directory, debounced, so editors that save by writing a
 * temporary file and renaming it over the original are seen. A version that does not load (half
 * written, invalid YAML, a bad camera) keeps the running cameras: its reason is logged once — the
 * same reason again on the next save is not repeated — and every such look is counted. Reloads run
 * one at a time; saves during one are folded into a single look afterwards.
 */
export function followCamerasFile(deps: CamerasFileFollowerDeps): { close(): Promise<void> } {
  const load = deps.load ?? loadCamerasFile;
  let current = JSON.stringify(deps.initial);
  let lastReason: string | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  async function reloadOnce(): Promise<CamerasFileReload> {
    let next: CameraConfig[];
    try {
      next = await load(deps.file);
    } catch (err) {
      const reason = (err as Error).message;
      if (reason !== lastReason) {
        lastReason = reason;
        deps.logger.error({ file: deps.file, reason }, "cameras file not applied: the running cameras are kept until the file is valid again");
      }
      return "invalid";
    }
    lastReason = null;
    // Editors touch the file without changing it (and save twice): nothing to apply then.
    if (JSON.stringify(next) === current) return "unchanged";
    try {
      await deps.apply(next);
    } catch (err) {
      deps.logger.error({ err, file: deps.file }, "applying the edited cameras file failed; it is tried again on its next change");
      return "failed";
    }
    current = JSON.stringify(next);
    return "applied";
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const result = await reloadOnce();
      deps.onReload?.(result);
    } while (again && !closed);
  }

  function changed(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => {
      running = null;
    });
  }

  const watcher = (deps.watch ?? watchCamerasFile)(deps.file, changed);
  return {
    /** Stops watching; waits for a reload in progress (it writes to the database being closed next). */
    async close() {
      closed = true;
      watcher.close();
      await running;
    },
  };
}
