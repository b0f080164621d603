/**
 * Names of the fire/smoke detectors in the registry (fire-registry.ts), on their own so that env
 * parsing does not load onnxruntime. The registry must implement exactly these (its type checks it).
 */
export const FIRE_DETECTOR_NAMES = ["vigil-fire-chain", "vigil-fire-grid", "fire-yolov8-baseline"] as const;
export type FireDetectorName = (typeof FIRE_DETECTOR_NAMES)[number];
export const DEFAULT_FIRE_DETECTOR: FireDetectorName = "vigil-fire-chain";
