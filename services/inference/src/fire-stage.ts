import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { FireEvent, FrameFireControls } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { Detection, DetectorLoadOptions, RgbImage } from "./detectors/detector.js";
import { createFireDetector, type FireDetectorName } from "./detectors/fire-registry.js";
import { fireSnapshotJpeg, type EvidenceOptions } from "./evidence/evidence-writer.js";
import { writeAllOrNone } from "./evidence/write-all-or-none.js";
import { createFireConfirmer } from "./fire/fire-confirmer.js";
import { createFirePipeline, type FireFrameMotion } from "./fire/fire-pipeline.js";
import { FireRateGate, type FireRateOptions } from "./fire/fire-rate-gate.js";

export interface FireStage {
  /** Resolves false when the rate gate skipped the frame (fire/fire-rate-gate.ts: nothing suspected, or a fire ongoing). */
  process(cameraId: string, image: RgbImage, captureTs: number, controls?: FrameFireControls, motion?: FireFrameMotion): Promise<boolean>;
  detect(image: RgbImage): Promise<{ detections: Detection[]; ms: number }>;
  close(): Promise<void>;
}

/**
 * Wires the fire helper's pipeline (detector → confirmer → event) into the service. The fire model
 * is optional: when it cannot load, plates keep working and the reason is logged once.
 */
export async function loadFireStage(o: {
  loadOptions: DetectorLoadOptions;
  /** Which registered detector (env FIRE_DETECTOR). */
  detector?: FireDetectorName;
  mediaDir: string;
  evidence: EvidenceOptions;
  publish: (event: FireEvent) => Promise<void>;
  logger: Logger;
  /** The rate gate's options (fire/fire-rate-gate.ts; defaults there). */
  rate?: Partial<FireRateOptions>;
}): Promise<FireStage | undefined> {
  const detector = createFireDetector(o.detector);
  try {
    await detector.load(o.loadOptions);
  } catch (err) {
    o.logger.warn({ err, detector: detector.name }, "fire model not loaded; fire detection is off");
    return undefined;
  }
  o.logger.info({ detector: detector.name }, "fire model loaded");
  const pipeline = createFirePipeline({
    detector,
    confirmer: createFireConfirmer(),
    rate: new FireRateGate(o.rate),
    publish: o.publish,
    logger: o.logger,
    evidence: async (cameraId, image, boxes) => {
      const day = new Date().toISOString().slice(0, 10);
      const name = `fire-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.jpg`;
      const dir = path.join(o.mediaDir, cameraId, day);
      await mkdir(dir, { recursive: true });
      const jpeg = await fireSnapshotJpeg(image, boxes, o.evidence);
      // A full disk leaves no half-written JPEG behind.
      const [snapshotSha256] = await writeAllOrNone([{ path: path.join(dir, name), data: async () => jpeg }]);
      return { snapshot: `/media/${cameraId}/${day}/${name}`, snapshotSha256: snapshotSha256! };
    },
  });
  return {
    async process(cameraId, image, captureTs, controls, motion) {
      return !(await pipeline.processWithDetections(cameraId, image, captureTs, controls, motion)).skipped;
    },
    async detect(image) {
      const t0 = performance.now();
      const detections = await detector.detect(image);
      return { detections, ms: performance.now() - t0 };
    },
    close: () => detector.close(),
  };
}
