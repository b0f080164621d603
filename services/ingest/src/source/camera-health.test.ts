import { describe, expect, it } from "vitest";
import { degradedReason, HealthHysteresis, type CameraHealthInputs } from "./camera-health.js";

const healthy: CameraHealthInputs = { warmedUp: true, fps: 2, sampledInWindow: 20, droppedInWindow: 0, sampleFps: 2, keyframesOnly: false };
const noWorker = "no inference worker for shard 0/1 (frames are not being analysed)";

describe("degradedReason", () => {
  it("is undefined for a camera at its rate with its frames taken", () => {
    expect(degradedReason(healthy)).toBeUndefined();
  });

  it("reports a missing consumer at once, before the warm-up, and ahead of any rate problem", () => {
    expect(degradedReason({ ...healthy, warmedUp: false, consumerUnavailable: noWorker })).toEqual({ code: "no_inference", message: noWorker });
    expect(degradedReason({ ...healthy, fps: 0.2, droppedInWindow: 20, consumerUnavailable: noWorker })?.code).toBe("no_inference");
  });

  it("judges no rate during the warm-up", () => {
    expect(degradedReason({ ...healthy, warmedUp: false, fps: 0.1, droppedInWindow: 20 })).toBeUndefined();
  });

  it("flags under half the expected rate in full-decode mode only", () => {
    expect(degradedReason({ ...healthy, fps: 0.9 })).toEqual({ code: "low_frame_rate", message: "low frame rate: 0.9 fps of 2" });
    expect(degradedReason({ ...healthy, fps: 1 })).toBeUndefined();
    expect(degradedReason({ ...healthy, fps: 0.3, keyframesOnly: true })).toBeUndefined();
  });

  it("flags inference dropping most frames", () => {
    expect(degradedReason({ ...healthy, droppedInWindow: 11 })).toEqual({ code: "inference_behind", message: "inference is behind: most frames dropped" });
    expect(degradedReason({ ...healthy, droppedInWindow: 10 })).toBeUndefined();
    expect(degradedReason({ ...healthy, keyframesOnly: true, fps: 0, sampledInWindow: 0, droppedInWindow: 5 })).toBeUndefined();
  });
});

describe("HealthHysteresis", () => {
  it("changes online ↔ degraded only once the new verdict held for the hold time, so a flapping load does not flap the map", () => {
    const h = new HealthHysteresis(15_000);
    let state: "online" | "degraded" | "offline" = "online";
    // Verdicts alternate every 4 s (the flapping seen under load): the state never changes.
    for (let t = 0; t < 60_000; t += 1000) {
      state = h.decide(state, Math.floor(t / 4000) % 2 === 0 ? "online" : "degraded", t);
      expect(state).toBe("online");
    }
    // Degraded for good: taken after 15 s of it, not before.
    const seen: string[] = [];
    for (let t = 60_000; t <= 80_000; t += 1000) seen.push((state = h.decide(state, "degraded", t)));
    expect(seen.indexOf("degraded")).toBe(15);
    // And back the same way.
    expect(h.decide(state, "online", 90_000)).toBe("degraded");
    expect(h.decide("degraded", "online", 105_000)).toBe("online");
  });
});
