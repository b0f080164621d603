import type { CameraState, CameraStatus } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { CameraStateLogRepository, StateChangeRow } from "../storage/camera-state-log-repository.js";

export const UPTIME_WINDOW_MS = 24 * 3_600_000;

export interface StateChange {
  ts: number;
  state: CameraState;
}

/**
 * Whether a state counts as "up". Degraded does: the camera delivers video (a low frame rate, or
 * analysis falling behind), so it is watching the street and its evidence is usable; the state that
 * means "nothing is being seen" is offline. Degraded time is visible separately in the cameras page's
 * live state, not hidden inside a lower uptime.
 */
export const countsAsUp = (state: CameraState): boolean => state !== "offline";

/**
 * Fraction of [from, to] the camera was up, over the time whose state is known: before its first
 * recorded change the state is unknown, which is neither up nor down (a camera added an hour ago that
 * was online all along is at 1, not 1/24). Null when nothing of the window is known. `changes` may
 * hold one change before `from` (the state the window starts in); changes after `to` are ignored.
 */
export function uptimeFraction(changes: readonly StateChange[], from: number, to: number): number | null {
  const sorted = [...changes].filter((c) => c.ts <= to).sort((a, b) => a.ts - b.ts);
  let known = 0;
  let up = 0;
  sorted.forEach((c, i) => {
    const start = Math.max(c.ts, from);
    const end = Math.min(sorted[i + 1]?.ts ?? to, to);
    if (end <= start) return;
    known += end - start;
    if (countsAsUp(c.state)) up += end - start;
  });
  return known > 0 ? up / known : null;
}

/**
 * Writes camera state changes to the log and answers uptime over the last 24 h. Status messages
 * come every few seconds; only a change of state is written (compared with the last change this
 * instance knows, loaded from the log on start). Writing never blocks the status path: a failed
 * write is logged and retried with the next status of that camera.
 */
export function createCameraUptime(deps: {
  log: CameraStateLogRepository;
  /** Only registered cameras are logged: anyone on the broker can publish a status for any id. */
  isKnown(cameraId: string): boolean | Promise<boolean>;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const last = new Map<string, { ts: number; state: CameraState }>();

  async function write(status: CameraStatus): Promise<void> {
    const ts = Date.parse(status.ts);
    // The same state again, or an older message (redelivered retained status): nothing changed.
    const unchanged = (p: { ts: number; state: CameraState } | undefined) => !!p && (p.state === status.state || ts <= p.ts);
    if (unchanged(last.get(status.cameraId))) return;
    if (!(await deps.isKnown(status.cameraId))) return;
    // Looked at again after the await: statuses arriving together must not both count as the change.
    const prev = last.get(status.cameraId);
    if (unchanged(prev)) return;
    last.set(status.cameraId, { ts, state: status.state });
    try {
      await deps.log.record({ cameraId: status.cameraId, ts: status.ts, state: status.state });
    } catch (err) {
      // Forget it, so the next status of this camera tries again.
      if (last.get(status.cameraId)?.ts === ts) {
        if (prev) last.set(status.cameraId, prev);
        else last.delete(status.cameraId);
      }
      deps.logger.warn({ err, camera: status.cameraId }, "recording a camera state change failed");
    }
  }

  const group = (rows: StateChangeRow[]) => {
    const by = new Map<string, StateChange[]>();
    for (const r of rows) {
      const list = by.get(r.cameraId) ?? [];
      list.push({ ts: Date.parse(r.ts), state: r.state });
      by.set(r.cameraId, list);
    }
    return by;
  };

  return {
    /** Loads the last logged state of every camera (startup). */
    async load(): Promise<void> {
      for (const r of await deps.log.latest()) last.set(r.cameraId, { ts: Date.parse(r.ts), state: r.state });
    },
    record(status: CameraStatus): Promise<void> {
      return write(status);
    },
    /** Uptime over the last 24 h per camera id (rounded to 0.0001); cameras without a known state are absent. */
    async last24h(cameraId?: string): Promise<Map<string, number>> {
      const to = now();
      const from = to - UPTIME_WINDOW_MS;
      const out = new Map<string, number>();
      for (const [id, changes] of group(await deps.log.since(new Date(from).toISOString(), cameraId))) {
        const f = uptimeFraction(changes, from, to);
        if (f !== null) out.set(id, Math.round(f * 1e4) / 1e4);
      }
      return out;
    },
    /** Drops log rows older than the retention (keeping each camera's state at the cut). */
    prune(retentionDays: number): Promise<number> {
      return deps.log.prune(new Date(now() - retentionDays * 86_400_000).toISOString());
    },
    forget(cameraId: string): void {
      last.delete(cameraId);
    },
  };
}
export type CameraUptime = ReturnType<typeof createCameraUptime>;
