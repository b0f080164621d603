import { describe, expect, it } from "vitest";
import { degradedReason, type CameraHealthInputs } from "./camera-health.js";

const healthy: CameraHealthInputs = { warmedUp: true, fps: 2, sampledInWindow: 20, droppedInWindow: 0, sampleFps: 2, keyframesOnly: false };
const noWorker = "no inference worker for shard 0/1 (frames are not being analysed)";

describe("degradedReason", () => {
  it("is undefined for a camera at its rate with its frames taken", () => {
    expect(degradedReason(healthy)).toBeUndefined();
  });

  it("reports a missing consumer at once, before the warm-up, and ahead of any rate problem", () => {
    expect(degradedReason({ ...healthy, warmedUp: false, consumerUnavailable: noWorker })).toBe(noWorker);
    expect(degradedReason({ ...healthy, fps: 0.2, droppedInWindow: 20, consumerUnavailable: noWorker })).toBe(noWorker);
  });

  it("judges no rate during the warm-up", () => {
    expect(degradedReason({ ...healthy, warmedUp: false, fps: 0.1, droppedInWindow: 20 })).toBeUndefined();
  });

  it("flags under half the expected rate in full-decode mode only", () => {
    expect(degradedReason({ ...healthy, fps: 0.9 })).toBe("low frame rate: 0.9 fps of 2");
    expect(degradedReason({ ...healthy, fps: 1 })).toBeUndefined();
    expect(degradedReason({ ...healthy, fps: 0.3, keyframesOnly: true })).toBeUndefined();
  });

  it("flags inference dropping most frames", () => {
    expect(degradedReason({ ...healthy, droppedInWindow: 11 })).toBe("inference is behind: most frames dropped");
    expect(degradedReason({ ...healthy, droppedInWindow: 10 })).toBeUndefined();
    expect(degradedReason({ ...healthy, keyframesOnly: true, fps: 0, sampledInWindow: 0, droppedInWindow: 5 })).toBeUndefined();
  });
});
