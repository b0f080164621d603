import { afterEach, describe, expect, it } from "vitest";
import type { Frame, PlateEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { InferenceMetrics } from "../metrics.js";
import { AnalysisPool } from "./analysis-pool.js";

const fakeWorker = new URL("./fixtures/fake-analysis-worker.mjs", import.meta.url);
const config = { modelsDir: "/nonexistent", mediaDir: "/nonexistent", threads: 1 };

function frame(cameraId: string, bytes = 12): Frame {
  return { schemaVersion: 1, cameraId, seq: 1, captureTs: Date.now(), width: 2, height: 2, format: "rgb24", analytics: ["plates"], data: Buffer.alloc(bytes, 1) };
}

async function processedBy(metrics: InferenceMetrics, camera: string): Promise<number> {
  return (await metrics.framesProcessed.get()).values.find((v) => v.labels.camera === camera)?.value ?? 0;
}

let pool: AnalysisPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("AnalysisPool", () => {
  it("relays the workers' metrics and publishes, and resolves a frame only once its event is published", async () => {
    const metrics = new InferenceMetrics();
    const published: unknown[] = [];
    pool = await AnalysisPool.start(2, config, {
      logger: createLogger({ name: "test", level: "silent" }),
      metrics,
      publishPlate: async (event: PlateEvent) => {
        await new Promise((r) => setTimeout(r, 20));
        published.push(event);
      },
      publishFire: async () => undefined,
      workerUrl: fakeWorker,
    });
    expect(pool.plateDetector).toBe("fake");
    await pool.process(frame("publish", 2 * 2 * 3));
    expect(published).toEqual([{ id: "e1", bytes: 12 }]);
    await Promise.all([pool.process(frame("a")), pool.process(frame("b")), pool.process(frame("a"))]);
    expect(await processedBy(metrics, "a")).toBe(2);
    expect(await processedBy(metrics, "b")).toBe(1);
  });

  it("keeps a camera on one worker, and spreads cameras over the workers", async () => {
    pool = await AnalysisPool.start(2, config, { logger: createLogger({ name: "test", level: "silent" }), metrics: new InferenceMetrics(), publishPlate: async () => undefined, publishFire: async () => undefined, workerUrl: fakeWorker });
    expect(["c1", "c2", "c3", "c1", "c2"].map((c) => pool!.workerFor(c))).toEqual([0, 1, 0, 0, 1]);
  });

  it("fails only the frames a dying worker held, starts a new one, and the camera's next frames go through", async () => {
    const metrics = new InferenceMetrics();
    pool = await AnalysisPool.start(1, config, { logger: createLogger({ name: "test", level: "silent" }), metrics, publishPlate: async () => undefined, publishFire: async () => undefined, workerUrl: fakeWorker });
    await expect(pool.process(frame("crash"))).rejects.toThrow(/exited with 3/);
    await pool.process(frame("after"));
    await pool.process(frame("after"));
    expect(await processedBy(metrics, "after")).toBe(2);
    expect((await metrics.errors.get()).values.find((v) => v.labels.stage === "worker")?.value).toBe(1);
  });
});
