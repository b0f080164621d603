/**
 * Fire & smoke stage of the inference service, for main.ts / app.ts to wire in:
 *
 *   const detector = createFireDetector("vigil-grid");          // or "yolov8-baseline"
 *   await detector.load({ modelsDir, threads });
 *   const fire = createFirePipeline({ detector, confirmer: createFireConfirmer(), evidence, publish, logger });
 *   await fire.process(cameraId, rgbImage, captureTs);          // per sampled frame with analytics "fire"
 *
 * `/api/v1/analyze` uses `detector.detect(image)` directly (single image, no temporal confirmation).
 */
import type { Detector } from "../detectors/detector.js";
import { VigilFireGridDetector } from "../detectors/fire-vigil-grid.js";
import { YoloFireBaselineDetector } from "../detectors/fire-yolov8-baseline.js";

export { createFireConfirmer, DEFAULT_FIRE_CONFIRMER_OPTIONS } from "./fire-confirmer.js";
export type { FireConfirmer, FireConfirmerOptions, FireConfirmation, KindRule } from "./fire-confirmer.js";
export { createFirePipeline } from "./fire-pipeline.js";
export type { FirePipeline, FirePipelineDeps, FireEvidenceWriter, FireEventPublisher } from "./fire-pipeline.js";
export { VigilFireGridDetector, YoloFireBaselineDetector };

export type FireDetectorKind = "vigil-grid" | "yolov8-baseline";

/** Vigil's own committed model by default; the shared YOLOv8n demo model as the baseline. */
export function createFireDetector(kind: FireDetectorKind = "vigil-grid"): Detector {
  return kind === "vigil-grid" ? new VigilFireGridDetector() : new YoloFireBaselineDetector();
}
