import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VigilFireGridDetector } from "../services/inference/src/detectors/fire-vigil-grid.js";
import { runFireVideoCheck } from "../services/inference/src/fire/fire-video-check.js";

// Real data end to end: a real street photo with a held-out real fire photo composited in from
// 4 s, encoded to H.264 by ffmpeg, decoded at 2 fps, run through Vigil's committed ONNX model
// and the default temporal confirmer. Fire must be confirmed within 5 s; the same clip without
// the fire must raise nothing.
const repo = fileURLToPath(new URL("..", import.meta.url));
const datasetsDir = process.env.DATASETS_DIR ?? path.resolve(repo, "../shared/datasets");
const testSplit = readFileSync(path.join(repo, "models/training/fire/splits/test.txt"), "utf8").split("\n").filter(Boolean);

describe("fire video check (real model, real clip)", () => {
  const detector = new VigilFireGridDetector();
  beforeAll(async () => {
    await detector.load({ modelsDir: path.join(repo, "models/cache"), threads: 2 });
  });
  afterAll(async () => {
    await detector.close();
  });

  it("confirms the fire within 5 s of it appearing and raises nothing on the clip without it", async () => {
    const result = await runFireVideoCheck(detector, datasetsDir, testSplit);
    expect(result.withFire.latencyS).toBeDefined();
    expect(result.withFire.latencyS!).toBeGreaterThanOrEqual(0);
    expect(result.withFire.latencyS!).toBeLessThanOrEqual(5);
    // One ongoing fire → one event (updates share its id).
    expect(result.withFire.events).toBe(1);
    expect(result.withoutFire.events).toBe(0);
  });
});
