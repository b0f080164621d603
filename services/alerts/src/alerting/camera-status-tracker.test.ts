import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CameraStatus } from "@vigil/contracts";
import { createCameraStatusTracker } from "./camera-status-tracker.js";

const status = (state: CameraStatus["state"], ts: number, lastFrame: number | null = null): CameraStatus => ({
  schemaVersion: 1,
  cameraId: "cam-1",
  state,
  ts: new Date(ts).toISOString(),
  fps: state === "online" ? 5 : 0,
  lastFrameTs: lastFrame === null ? null : new Date(lastFrame).toISOString(),
});

describe("camera offline timer", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("alerts once after the threshold, and reports the camera back", () => {
    const offline: string[] = [];
    const back: string[] = [];
    const t = createCameraStatusTracker({ offlineAlertMs: 60_000, onOfflineTooLong: (s, since) => offline.push(since), onBackOnline: (id) => back.push(id) });
    t.update(status("offline", Date.now(), Date.now() - 10_000));
    vi.advanceTimersByTime(49_999);
    expect(offline).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(offline).toEqual([new Date(1_000_000 - 10_000).toISOString()]);
    t.update(status("offline", Date.now()));
    vi.advanceTimersByTime(120_000);
    expect(offline).toHaveLength(1);
    t.update(status("online", Date.now()));
    expect(back).toEqual(["cam-1"]);
  });

  it("does not alert when the camera recovers within the threshold", () => {
    const offline: string[] = [];
    const t = createCameraStatusTracker({ offlineAlertMs: 60_000, onOfflineTooLong: (_s, since) => offline.push(since), onBackOnline: () => undefined });
    t.update(status("offline", Date.now()));
    vi.advanceTimersByTime(30_000);
    t.update(status("online", Date.now()));
    vi.advanceTimersByTime(60_000);
    expect(offline).toEqual([]);
    expect(t.get("cam-1")?.state).toBe("online");
  });

  it("ignores out-of-order statuses", () => {
    const t = createCameraStatusTracker({ offlineAlertMs: 1000, onOfflineTooLong: () => undefined, onBackOnline: () => undefined });
    t.update(status("online", Date.now()));
    t.update(status("offline", Date.now() - 5000));
    expect(t.get("cam-1")?.state).toBe("online");
  });
});
