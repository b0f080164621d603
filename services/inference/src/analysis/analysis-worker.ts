/**
 * Entry of an analysis worker thread: one FrameAnalysis (its own onnxruntime sessions) fed by the
 * main thread. onnxruntime-node runs a model synchronously on the calling thread, so worker
 * threads are what lets inference use more than one core for frames; events and metrics go back to
 * the main thread, which owns the outbox and the Prometheus registry.
 */
import { parentPort } from "node:worker_threads";
import type { FireEvent, PlateEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { ImageDecodeError } from "../image/rgb-image.js";
import type { AnalysisMetrics } from "../metrics.js";
import { createFrameAnalysis, type FrameAnalysis } from "./frame-analysis.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("analysis-worker must run in a worker thread");
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const metrics: AnalysisMetrics = {
  count: (counter, labels) => post({ type: "count", counter, ...(labels ? { labels } : {}) }),
  observeStage: (stage, ms, camera) => post({ type: "stage", stage, ms, ...(camera ? { camera } : {}) }),
};

let nextPublishId = 1;
const publishing = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
function publish(message: { kind: "plate"; event: PlateEvent } | { kind: "fire"; event: FireEvent }): Promise<void> {
  const id = nextPublishId++;
  return new Promise<void>((resolve, reject) => {
    publishing.set(id, { resolve, reject });
    post({ type: "publish", id, ...message } as FromWorker);
  });
}

let analysis: FrameAnalysis | undefined;
// One task at a time, in arrival order: a camera's frames stay in order for its tracker.
let queue: Promise<void> = Promise.resolve();
const enqueue = (task: () => Promise<void>) => {
  queue = queue.then(task).catch(() => undefined);
};

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "init": {
      const logger = createLogger({ name: "inference", level: message.logLevel }).child({ worker: message.workerIndex });
      enqueue(async () => {
        try {
          analysis = await createFrameAnalysis(message.config, {
            logger,
            metrics,
            publishPlate: (event) => publish({ kind: "plate", event }),
            publishFire: (event) => publish({ kind: "fire", event }),
          });
          post({ type: "ready", plateDetector: analysis.plateDetector });
        } catch (err) {
          post({ type: "init-failed", error: (err as Error).message });
        }
      });
      break;
    }
    case "frame": {
      // Structured clone turns the Buffer into a plain Uint8Array; frame analysis takes either.
      const { id, frame } = message;
      enqueue(async () => {
        let error: string | undefined;
        try {
          await analysis!.process(frame);
        } catch (err) {
          error = (err as Error).message;
        }
        // Nothing keeps a view of the pixels once process has settled (crops and evidence are
        // copies, written before it resolves), so the buffer goes back to be filled again.
        const pixels = frame.data.buffer;
        const whole = pixels instanceof ArrayBuffer && frame.data.byteOffset === 0 && frame.data.byteLength === pixels.byteLength;
        post({ type: "done", id, ...(error ? { error } : {}), ...(whole ? { pixels } : {}) }, whole ? [pixels] : []);
      });
      break;
    }
    case "analyze": {
      const { id, image } = message;
      enqueue(async () => {
        try {
          post({ type: "done", id, result: await analysis!.analyze(image) });
        } catch (err) {
          post({ type: "done", id, error: (err as Error).message, undecodable: err instanceof ImageDecodeError });
        }
      });
      break;
    }
    case "published": {
      const waiting = publishing.get(message.id);
      publishing.delete(message.id);
      if (message.error) waiting?.reject(new Error(message.error));
      else waiting?.resolve();
      break;
    }
    case "close":
      enqueue(async () => {
        await analysis?.close();
        port.close(); // the thread exits; the pool waits for its "exit"
      });
      break;
  }
});
