import type { Detector } from "./detector.js";
import { DEFAULT_FIRE_DETECTOR, type FireDetectorName } from "./fire-detector-names.js";
import { VigilFireChainDetector } from "./fire-vigil-chain.js";
import { VigilFireGridDetector } from "./fire-vigil-grid.js";
import { YoloFireBaselineDetector } from "./fire-yolov8-baseline.js";

/**
 * The fire/smoke detectors the service can run (env FIRE_DETECTOR). A new model is one new file that
 * implements `Detector` and one line here; the service, the eval and the benches pick by name.
 */
export const FIRE_DETECTORS = {
  /** Grid proposes regions, the crop verifier confirms them (models/fire/MODEL_CARD.md). */
  "vigil-fire-chain": () => new VigilFireChainDetector(),
  /** The grid model alone. */
  "vigil-fire-grid": () => new VigilFireGridDetector(),
  /** The shared YOLOv8n int8 demo model (../shared/models), for comparison only. */
  "fire-yolov8-baseline": () => new YoloFireBaselineDetector(),
} as const satisfies Record<FireDetectorName, () => Detector>;

export function createFireDetector(name: FireDetectorName = DEFAULT_FIRE_DETECTOR): Detector {
  return FIRE_DETECTORS[name]();
}

export { DEFAULT_FIRE_DETECTOR, FIRE_DETECTOR_NAMES, type FireDetectorName } from "./fire-detector-names.js";
