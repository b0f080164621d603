import type { CameraStatus } from "@vigil/contracts";

/**
 * Latest status per camera (from the retained status topic) and the offline timer: a camera that stays
 * offline for `offlineAlertMs` raises one alert; coming back online clears it.
 */
export function createCameraStatusTracker(deps: {
  offlineAlertMs: number;
  onOfflineTooLong(status: CameraStatus, sinceIso: string): void;
  onBackOnline(cameraId: string): void;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const latest = new Map<string, CameraStatus>();
  const timers = new Map<string, NodeJS.Timeout>();
  const alerted = new Set<string>();

  function clearTimer(id: string): void {
    const t = timers.get(id);
    if (t) clearTimeout(t);
    timers.delete(id);
  }

  return {
    update(status: CameraStatus): void {
      const prev = latest.get(status.cameraId);
      if (prev && Date.parse(prev.ts) > Date.parse(status.ts)) return; // out of order
      latest.set(status.cameraId, status);
      if (status.state !== "offline") {
        clearTimer(status.cameraId);
        if (alerted.delete(status.cameraId)) deps.onBackOnline(status.cameraId);
        return;
      }
      if (timers.has(status.cameraId) || alerted.has(status.cameraId)) return;
      // Offline since the last frame if known (a retained status may be old), else since this status.
      const since = status.lastFrameTs && Date.parse(status.lastFrameTs) < Date.parse(status.ts) ? status.lastFrameTs : status.ts;
      const due = Math.max(0, Date.parse(since) + deps.offlineAlertMs - now());
      const timer = setTimeout(() => {
        timers.delete(status.cameraId);
        const current = latest.get(status.cameraId);
        if (current?.state === "offline") {
          alerted.add(status.cameraId);
          deps.onOfflineTooLong(current, since);
        }
      }, due);
      timer.unref();
      timers.set(status.cameraId, timer);
    },
    get: (cameraId: string) => latest.get(cameraId) ?? null,
    all: () => [...latest.values()],
    forget(cameraId: string): void {
      clearTimer(cameraId);
      latest.delete(cameraId);
      alerted.delete(cameraId);
    },
    close(): void {
      for (const id of [...timers.keys()]) clearTimer(id);
    },
  };
}
export type CameraStatusTracker = ReturnType<typeof createCameraStatusTracker>;
