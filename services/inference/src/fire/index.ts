/**
 * Fire & smoke stage of the inference service, for main.ts / app.ts to wire in:
 *
 *   const detector = createFireDetector("vigil-fire-chain");    // detectors/fire-registry.ts
 *   await detector.load({ modelsDir, threads });
 *   const fire = createFirePipeline({ detector, confirmer: createFireConfirmer(), evidence, publish, logger });
 *   await fire.process(cameraId, rgbImage, captureTs);          // per sampled frame with analytics "fire"
 *
 * `/api/v1/analyze` uses `detector.detect(image)` directly (single image, no temporal confirmation).
 */
export { createFireConfirmer, DEFAULT_FIRE_CONFIRMER_OPTIONS } from "./fire-confirmer.js";
export type { FireConfirmer, FireConfirmerOptions, FireConfirmation, KindRule, SmokeAloneRule } from "./fire-confirmer.js";
export { createFirePipeline } from "./fire-pipeline.js";
export { DEFAULT_FIRE_RATE, FireRateGate, type FireRateOptions } from "./fire-rate-gate.js";
export type { CandidateFireDetector, FirePipeline, FirePipelineDeps, FireEvidenceWriter, FireEventPublisher } from "./fire-pipeline.js";
export { createFireDetector, DEFAULT_FIRE_DETECTOR, FIRE_DETECTORS, type FireDetectorName } from "../detectors/fire-registry.js";
