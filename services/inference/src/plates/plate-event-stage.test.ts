import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Detection, Detector, RgbImage } from "../detectors/detector.js";
import { MotionGate } from "../intake/motion-gate.js";
import type { AnalysisMetrics } from "../metrics.js";
import { PlateTracker } from "../tracking/plate-tracker.js";
import { PlateEventStage } from "./plate-event-stage.js";
import { PlatePipeline } from "./plate-pipeline.js";
import type { PlateReader } from "./plate-reader.js";

const W = 1280;
const H = 720;

/** A grey frame with a bright "vehicle" rectangle (pixels), whose plate is the 64×24 px strip at its bottom centre. */
function frame(vehicle?: { x: number; y: number; w: number; h: number }): RgbImage {
  const data = Buffer.alloc(W * H * 3, 90);
  if (vehicle) for (let y = vehicle.y; y < vehicle.y + vehicle.h; y++) data.fill(230, (y * W + vehicle.x) * 3, (y * W + vehicle.x + vehicle.w) * 3);
  return { data, width: W, height: H };
}

/**
 * Finds the plate by looking at the pixels it is given (so a crop and the whole frame give the same plate in their
 * own coordinates): the bright rectangle's bottom centre. Records the size of each image it was handed.
 */
function brightRectDetector(seen: Array<{ width: number; height: number }>, plate = { w: 64, h: 24 }): Detector {
  return {
    name: "fake-plate",
    labels: ["plate"],
    load: async () => {},
    close: async () => {},
    async detect(image: RgbImage): Promise<Detection[]> {
      seen.push({ width: image.width, height: image.height });
      let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          if (image.data[(y * image.width + x) * 3]! < 200) continue;
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
      if (x1 < 0) return [];
      const cx = (x0 + x1 + 1) / 2;
      const px = Math.max(0, cx - plate.w / 2), py = Math.max(0, y1 + 1 - plate.h);
      return [{ label: "plate", confidence: 0.8, bbox: [px / image.width, py / image.height, plate.w / image.width, plate.h / image.height] }];
    },
  };
}

const noOcr = { readBox: async () => { throw new Error("no OCR in this test"); } } as unknown as PlateReader;

function stage(detector: Detector, motionCrop?: false) {
  const stages: string[] = [];
  const metrics: AnalysisMetrics = { count: () => {}, observeStage: (s) => void stages.push(s) };
  const tracker = new PlateTracker();
  const s = new PlateEventStage({ pipeline: new PlatePipeline(detector, noOcr), tracker, motionGate: new MotionGate(), ...(motionCrop === false ? { motionCrop } : {}), publish: async () => {}, metrics, logger: pino({ level: "silent" }) });
  return { s, tracker, stages };
}

describe("PlateEventStage with motion crops", () => {
  it("looks at a detector-sized window around small motion and maps the plate back to the frame", async () => {
    const seen: Array<{ width: number; height: number }> = [];
    const { s, tracker, stages } = stage(brightRectDetector(seen));
    await s.process("cam", frame(), 0); // first frame: the whole frame
    const car = { x: 700, y: 300, w: 160, h: 110 };
    await s.process("cam", frame(car), 500);
    expect(seen).toEqual([{ width: W, height: H }, { width: 640, height: 640 }]);
    expect(stages).toContain("plate_detect_crop");
    const [track] = tracker.expire("cam", 500).live;
    // The plate is at the car's bottom centre in frame pixels: x 748..812, y 386..410.
    expect(track!.bbox[0] * W).toBeCloseTo(748, 0);
    expect(track!.bbox[1] * H).toBeCloseTo(386, 0);
    expect(track!.bbox[2] * W).toBeCloseTo(64, 0);
    expect(track!.bbox[3] * H).toBeCloseTo(24, 0);
    // Now a live track: the next frame is a whole-frame look.
    await s.process("cam", frame({ ...car, x: 690 }), 1000);
    expect(seen.at(-1)).toEqual({ width: W, height: H });
  });

  it("looks at the whole frame when the motion is large, when crops are off, or when a plate is cut by the window", async () => {
    const seen: Array<{ width: number; height: number }> = [];
    const large = stage(brightRectDetector(seen));
    await large.s.process("cam", frame(), 0);
    await large.s.process("cam", frame({ x: 100, y: 100, w: 900, h: 300 }), 500);
    expect(seen.at(-1)).toEqual({ width: W, height: H });

    const off = stage(brightRectDetector(seen), false);
    await off.s.process("cam", frame(), 0);
    await off.s.process("cam", frame({ x: 700, y: 300, w: 160, h: 110 }), 500);
    expect(seen.at(-1)).toEqual({ width: W, height: H });

    // A plate as wide as the window: it touches the crop's inner edges, so the frame is looked at again whole.
    seen.length = 0;
    const cut = stage(brightRectDetector(seen, { w: 640, h: 24 }));
    await cut.s.process("cam", frame(), 0);
    await cut.s.process("cam", frame({ x: 700, y: 300, w: 160, h: 110 }), 500);
    expect(seen).toEqual([{ width: W, height: H }, { width: 640, height: 640 }, { width: W, height: H }]);
  });

  it("stops cropping on a camera whose plates are large", async () => {
    const seen: Array<{ width: number; height: number }> = [];
    const { s } = stage(brightRectDetector(seen, { w: 200, h: 60 }));
    // A large plate seen once on the whole frame (forced look on the first frame).
    await s.process("cam", frame({ x: 100, y: 100, w: 300, h: 200 }), 0);
    await s.process("cam", frame(), 10_000); // the track has ended by now
    await s.process("cam", frame({ x: 700, y: 300, w: 160, h: 110 }), 10_500);
    expect(seen.every((im) => im.width === W)).toBe(true);
  });
});
