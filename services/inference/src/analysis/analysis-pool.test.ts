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
    expect(published).toEqual([{ id: "e1", bytes: 12, first: 1, last: 1 }]);
    await Promise.all([pool.process(frame("a"), 0), pool.process(frame("b"), 1), pool.process(frame("a"), 0)]);
    expect(await processedBy(metrics, "a")).toBe(2);
    expect(await processedBy(metrics, "b")).toBe(1);
  });

  it("sends a frame to the worker of its lane; a dying worker fails only its frames, the other carries on, and a new one takes over", async () => {
    const metrics = new InferenceMetrics();
    pool = await AnalysisPool.start(2, config, { logger: createLogger({ name: "test", level: "silent" }), metrics, publishPlate: async () => undefined, publishFire: async () => undefined, workerUrl: fakeWorker });
    const [crashed, other] = await Promise.allSettled([pool.process(frame("crash"), 0), pool.process(frame("other"), 1)]);
    expect(crashed.status === "rejected" && String(crashed.reason)).toMatch(/analysis worker 0 exited with 3/);
    expect(other.status).toBe("fulfilled");
    await pool.process(frame("after"), 0);
    await pool.process(frame("after"), 0);
    expect(await processedBy(metrics, "after")).toBe(2);
    expect(await processedBy(metrics, "other")).toBe(1);
    expect((await metrics.errors.get()).values.find((v) => v.labels.stage === "worker")?.value).toBe(1);
  });

  it("copies each frame into a pixel buffer its worker moved back, and the worker sees that frame's pixels, not an earlier one's", async () => {
    const metrics = new InferenceMetrics();
    const published: { first: number; last: number; bytes: number }[] = [];
    pool = await AnalysisPool.start(1, config, {
      logger: createLogger({ name: "test", level: "silent" }),
      metrics,
      publishPlate: async (event) => void published.push(event as unknown as { first: number; last: number; bytes: number }),
      publishFire: async () => undefined,
      workerUrl: fakeWorker,
    });
    const filled = (camera: string, value: number, bytes = 12): Frame => ({ ...frame(camera, bytes), data: Buffer.alloc(bytes, value) });
    for (let k = 1; k <= 5; k++) {
      await pool.process(filled("cam", 10 + k)); // comes back to the pool
      await pool.process(filled("publish", 100 + k)); // the worker reports what it got
    }
    expect(published.map((p) => [p.first, p.last])).toEqual([101, 102, 103, 104, 105].map((v) => [v, v]));
    // Every frame after the first went out in a buffer that had come back.
    expect(pool.reusedPixelBuffers).toBe(9);
    // Another size (the camera changed resolution): a new buffer, with the new frame's pixels.
    await pool.process(filled("publish", 7, 27));
    expect(published.at(-1)).toEqual({ id: "e6", bytes: 27, first: 7, last: 7 });
  });
});
