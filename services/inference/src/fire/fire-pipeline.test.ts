import { fireEventSchema, type FireEvent } from "@vigil/contracts";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Detection, Detector, DetectOptions, RgbImage } from "../detectors/detector.js";
import { createFireConfirmer } from "./fire-confirmer.js";
import { createFirePipeline } from "./fire-pipeline.js";
import { FireRateGate } from "./fire-rate-gate.js";

/** Plays back a scripted detection sequence: the pipeline logic is under test here, not a model. */
function scriptedDetector(frames: Detection[][]): Detector {
  let i = 0;
  return {
    name: "scripted",
    labels: ["fire", "smoke"],
    load: async () => {},
    detect: async () => frames[i++] ?? [],
    close: async () => {},
  };
}

const image: RgbImage = { data: Buffer.alloc(4 * 4 * 3), width: 4, height: 4 };
const flame = (i: number): Detection => ({ label: "fire", confidence: 0.6 + 0.1 * (i % 3), bbox: [0.1, 0.2, 0.1 + 0.02 * (i % 2), 0.2] });

describe("fire pipeline", () => {
  it("publishes one validated event with snapshot once the confirmer confirms, and updates under the same id", async () => {
    const published: FireEvent[] = [];
    const snapshots: string[] = [];
    const pipeline = createFirePipeline({
      detector: scriptedDetector(Array.from({ length: 30 }, (_, i) => [flame(i)])),
      confirmer: createFireConfirmer({ updateIntervalMs: 5_000 }),
      evidence: async (cameraId, _img, boxes, meta) => {
        snapshots.push(`${cameraId}:${boxes.length}:${meta.eventId}:${meta.revision}`);
        return `/media/fire/${cameraId}-${snapshots.length}.jpg`;
      },
      publish: async (e) => void published.push(e),
      logger: pino({ level: "silent" }),
    });
    const perFrame: number[] = [];
    for (let i = 0; i < 30; i++) perFrame.push((await pipeline.process("cam-7", image, 1_700_000_000_000 + i * 500)).length);
    expect(perFrame.indexOf(1)).toBe(2); // third frame confirms
    expect(published.length).toBeGreaterThanOrEqual(2);
    for (const e of published) expect(fireEventSchema.safeParse(e).success).toBe(true);
    expect(new Set(published.map((e) => e.id)).size).toBe(1);
    expect(published.map((e) => e.revision)).toEqual(published.map((_, i) => i));
    expect(snapshots[0]).toBe(`cam-7:1:${published[0]!.id}:0`);
    expect(published[0]).toMatchObject({ cameraId: "cam-7", kind: "fire", confirmedFrames: 3, snapshot: "/media/fire/cam-7-1.jpg", ts: new Date(1_700_000_001_000).toISOString() });
  });

  it("still publishes when the snapshot writer fails", async () => {
    const published: FireEvent[] = [];
    const pipeline = createFirePipeline({
      detector: scriptedDetector(Array.from({ length: 5 }, (_, i) => [flame(i)])),
      confirmer: createFireConfirmer(),
      evidence: async () => {
        throw new Error("disk full");
      },
      publish: async (e) => void published.push(e),
      logger: pino({ level: "silent" }),
    });
    for (let i = 0; i < 5; i++) await pipeline.process("cam-1", image, new Date(1_700_000_000_000 + i * 500).toISOString());
    expect(published).toHaveLength(1);
    expect(published[0]!.snapshot).toBeUndefined();
  });

  it("rejects an unreadable capture timestamp with a clear error", async () => {
    const pipeline = createFirePipeline({
      detector: scriptedDetector([]),
      confirmer: createFireConfirmer(),
      publish: async () => {},
      logger: pino({ level: "silent" }),
    });
    await expect(pipeline.process("cam-1", image, "not a date")).rejects.toThrow(/timestamp/);
  });

  it("never raises a detection that lies inside a camera's exclusion zone, and still raises one outside it", async () => {
    const lamp = (i: number): Detection => ({ label: "fire", confidence: 0.7 + 0.1 * (i % 2), bbox: [0.6, 0.1, 0.1 + 0.02 * (i % 2), 0.1] });
    const run = async (zones: Array<Array<[number, number]>>) => {
      const published: FireEvent[] = [];
      const seen: Detection[][] = [];
      const pipeline = createFirePipeline({
        detector: scriptedDetector(Array.from({ length: 20 }, (_, i) => [lamp(i), flame(i)])),
        confirmer: createFireConfirmer(),
        publish: async (e) => void published.push(e),
        logger: pino({ level: "silent" }),
      });
      for (let i = 0; i < 20; i++) seen.push((await pipeline.processWithDetections("cam-2", image, 1_700_000_000_000 + i * 500, { zones, sensitivity: "normal" })).detections);
      return { published, seen };
    };
    // The zone covers the lamp (top right) but not the flame (left).
    const zone: Array<[number, number]> = [[0.55, 0.05], [0.8, 0.05], [0.8, 0.3], [0.55, 0.3]];
    const withZone = await run([zone]);
    expect(withZone.seen.flat().some((d) => d.bbox[0] >= 0.55)).toBe(false);
    expect(withZone.published.length).toBeGreaterThan(0);
    for (const e of withZone.published) for (const b of e.boxes) expect(b.bbox[0]).toBeLessThan(0.55);
    // Without the zone the lamp is confirmed as well: the zone, not the script, kept it out.
    const without = await run([]);
    expect(without.published.some((e) => e.boxes.some((b) => b.bbox[0] >= 0.55))).toBe(true);
  });

  it("hands a detector's sub-threshold candidates to the confirmer, outside the exclusion zones only", async () => {
    // The model only half-believes in a small flame (0.45–0.65): no detection, but a candidate every frame.
    const weak = (i: number): Detection => ({ label: "fire", confidence: 0.55 + 0.1 * Math.sin(i * 1.9), bbox: [0.1, 0.6, 0.06, 0.06 + 0.01 * (i % 2)] });
    const run = async (zones: Array<Array<[number, number]>>) => {
      let i = 0;
      const detector: Detector = { ...scriptedDetector([]), detect: async () => [] };
      const withCandidates = Object.assign(detector, { detectWithCandidates: async () => ({ detections: [], candidates: [weak(i++)] }) });
      const published: FireEvent[] = [];
      const pipeline = createFirePipeline({ detector: withCandidates, confirmer: createFireConfirmer(), publish: async (e) => void published.push(e), logger: pino({ level: "silent" }) });
      const seen: Detection[][] = [];
      for (let f = 0; f < 6; f++) seen.push((await pipeline.processWithDetections("cam-3", image, 1_700_000_000_000 + f * 500, { zones, sensitivity: "normal" })).detections);
      return { published, seen };
    };
    const open = await run([]);
    expect(open.published.map((e) => [e.kind, e.confirmedFrames])).toEqual([["fire", 4]]);
    // Candidates are not detections: the frame's raw detections stay empty.
    expect(open.seen.flat()).toEqual([]);
    const zoned = await run([[[0, 0.5], [0.3, 0.5], [0.3, 0.8], [0, 0.8]]]);
    expect(zoned.published).toEqual([]);
  });

  it("hands the camera's sensitivity to the detector", async () => {
    const asked: Array<DetectOptions | undefined> = [];
    const detector: Detector = { ...scriptedDetector([]), detect: async (_img, options) => (asked.push(options), []) };
    const pipeline = createFirePipeline({ detector, confirmer: createFireConfirmer(), publish: async () => {}, logger: pino({ level: "silent" }) });
    await pipeline.process("cam-1", image, 1_700_000_000_000, { zones: [], sensitivity: "low" });
    await pipeline.process("cam-1", image, 1_700_000_000_500);
    expect(asked).toEqual([{ sensitivity: "low" }, {}]);
  });
  it("skips static frames with nothing suspected when given the frame's motion, is at full rate from the first sighting, and at every 2nd frame once the fire is confirmed", async () => {
    // Frames 0–7 static and empty; from frame 8 a flickering flame (the picture changes, the detector sees it).
    let calls = 0;
    let frameIndex = 0;
    const script = Array.from({ length: 16 }, (_, i) => (i >= 8 ? [flame(i)] : []));
    const detector: Detector = {
      ...scriptedDetector([]),
      detect: async () => {
        calls++;
        return script[frameIndex]!;
      },
    };
    const published: FireEvent[] = [];
    const pipeline = createFirePipeline({ detector, confirmer: createFireConfirmer(), rate: new FireRateGate({ staticEvery: 4 }), publish: async (e) => void published.push(e), logger: pino({ level: "silent" }) });
    const still = new Uint8Array(80 * 45).fill(100);
    const skipped: number[] = [];
    for (frameIndex = 0; frameIndex < 16; frameIndex++) {
      const grid = frameIndex >= 8 ? Uint8Array.from(still).fill(200 + (frameIndex % 3) * 20, 100, 140) : still;
      if ((await pipeline.processWithDetections("cam-4", image, 1_700_000_000_000 + frameIndex * 500, undefined, { grid })).skipped) skipped.push(frameIndex);
    }
    expect(skipped).toEqual([1, 2, 3, 5, 6, 7, 11, 13, 15]);
    expect(calls).toBe(7);
    // Confirmed on the third sighting, as without the gate (frames 8, 9, 10).
    expect(published[0]).toMatchObject({ kind: "fire", revision: 0, ts: new Date(1_700_000_000_000 + 10 * 500).toISOString() });
    // Without the motion thumbnail the gate does not apply.
    const plain = createFirePipeline({ detector: scriptedDetector([]), confirmer: createFireConfirmer(), rate: new FireRateGate(), publish: async () => {}, logger: pino({ level: "silent" }) });
    for (let f = 0; f < 4; f++) expect((await plain.processWithDetections("cam-5", image, 1_700_000_000_000 + f * 500)).skipped).toBe(false);
  });
});
