import { describe, expect, it } from "vitest";
import { CameraCostWindow, InferenceMetrics } from "./metrics.js";

describe("per-camera cost", () => {
  it("averages busy ms per second over the window, per camera and stage, and forgets what left it", () => {
    const w = new CameraCostWindow(10_000);
    const t = 1_000_000;
    for (let i = 0; i < 10; i++) {
      w.add("cam-a", "plates", 40, t + i * 1000); // 40 ms every second: 40 ms/s
      w.add("cam-a", "fire", 15, t + i * 1000);
    }
    w.add("cam-b", "plates", 100, t + 9_000); // once in the window: 10 ms/s
    const rates = w.rates(t + 9_500);
    expect(rates).toEqual(
      expect.arrayContaining([
        { camera: "cam-a", stage: "plates", msPerS: 40 },
        { camera: "cam-a", stage: "fire", msPerS: 15 },
        { camera: "cam-b", stage: "plates", msPerS: 10 },
      ]),
    );
    // 20 s later nothing is left in the window.
    expect(w.rates(t + 30_000)).toEqual([]);
  });

  it("shows in /metrics as a cost line per camera and stage, and only for stages observed with a camera", async () => {
    const m = new InferenceMetrics();
    m.observeStage("plates", 35, "q1-ben-thanh");
    m.observeStage("fire", 12, "q1-ben-thanh");
    m.observeStage("plate_detect", 30);
    const text = await m.registry.metrics();
    expect(text).toContain('vigil_inference_camera_busy_ms_total{camera="q1-ben-thanh",stage="plates"} 35');
    expect(text).toMatch(/vigil_inference_camera_cost_ms_per_s\{camera="q1-ben-thanh",stage="fire"\} 0\.2/);
    expect(text).not.toMatch(/camera_busy_ms_total\{[^}]*stage="plate_detect"/);
  });
});
