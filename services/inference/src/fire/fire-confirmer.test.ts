import { describe, expect, it } from "vitest";
import type { Detection } from "../detectors/detector.js";
import { createFireConfirmer, type FireConfirmation, type FireConfirmerOptions } from "./fire-confirmer.js";

const FRAME_MS = 500; // 2 fps sampling

function fire(area: number, confidence = 0.8): Detection {
  const side = Math.sqrt(area);
  return { label: "fire", confidence, bbox: [0.4, 0.4, side, side] };
}

function smoke(confidence = 0.7, side = 0.3): Detection {
  return { label: "smoke", confidence, bbox: [0.2, 0.1, side, side] };
}

/** Runs a sequence of frames (one array of detections each) and returns what was emitted per frame. */
function run(frames: Detection[][], options: Partial<FireConfirmerOptions> = {}, camera = "cam-1", startTs = 1_000_000) {
  let n = 0;
  const confirmer = createFireConfirmer({ newId: () => `id-${++n}`, ...options });
  const emitted: Array<FireConfirmation & { frame: number }> = [];
  frames.forEach((dets, frame) => {
    for (const c of confirmer.observe(camera, startTs + frame * FRAME_MS, dets)) emitted.push({ ...c, frame });
  });
  return { emitted, confirmer };
}

/** A flickering flame: area varies by ±20 % frame to frame. */
const flicker = (i: number) => [fire(0.02 * (1 + 0.2 * Math.sin(i * 1.7)), 0.7 + 0.1 * Math.cos(i))];

describe("fire confirmer", () => {
  it("never raises on a single frame", () => {
    const frames = [[], [], [fire(0.02)], [], [], [], [], []];
    expect(run(frames).emitted).toEqual([]);
  });

  it("confirms a flickering fire seen in 3 of the last 5 frames, on the third sighting", () => {
    const frames = [[], ...[0, 1, 2, 3].map(flicker)];
    const { emitted } = run(frames);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ kind: "fire", revision: 0, id: "id-1", confirmedFrames: 3, frame: 3 });
    expect(emitted[0]!.boxes).toHaveLength(1);
    expect(emitted[0]!.confidence).toBeGreaterThan(0);
    expect(emitted[0]!.confidence).toBeLessThanOrEqual(1);
  });

  it("tolerates a missed frame inside the window", () => {
    const frames = [flicker(0), [], flicker(2), [], flicker(4)];
    const { emitted } = run(frames);
    expect(emitted.map((e) => e.frame)).toEqual([4]);
  });

  it("ignores a perfectly static 'fire' (a picture of flames, a red sign)", () => {
    const frames = Array.from({ length: 20 }, () => [fire(0.02, 0.8)]);
    expect(run(frames).emitted).toEqual([]);
  });

  it("sees the flicker of a saturated flame in its logits (same box, confidence 0.996–0.999)", () => {
    const conf = [0.9963, 0.9981, 0.9958, 0.9987, 0.997];
    const frames = conf.map((c) => [{ label: "fire", confidence: c, bbox: [0.31, 0.75, 0.06, 0.19] } as Detection]);
    expect(run(frames).emitted.map((e) => e.frame)).toEqual([2]);
  });

  it("does not repeat an ongoing fire: one id, updates at most every updateIntervalMs with increasing revision", () => {
    const frames = Array.from({ length: 60 }, (_, i) => flicker(i)); // 30 s of fire
    const { emitted } = run(frames, { updateIntervalMs: 10_000 });
    expect(new Set(emitted.map((e) => e.id))).toEqual(new Set(["id-1"]));
    expect(emitted.map((e) => e.revision)).toEqual([0, 1, 2]);
    for (let i = 1; i < emitted.length; i++) {
      expect(emitted[i]!.ts - emitted[i - 1]!.ts).toBeGreaterThanOrEqual(10_000);
      expect(emitted[i]!.confirmedFrames).toBeGreaterThan(emitted[i - 1]!.confirmedFrames);
    }
  });

  it("raises a new event after the fire has been gone for clearAfterMs, not before", () => {
    const burst = Array.from({ length: 6 }, (_, i) => flicker(i));
    const shortGap: Detection[][] = Array.from({ length: 10 }, () => []); // 5 s < 30 s
    const longGap: Detection[][] = Array.from({ length: 70 }, () => []); // 35 s
    const { emitted } = run([...burst, ...shortGap, ...burst, ...longGap, ...burst], { clearAfterMs: 30_000, updateIntervalMs: 60_000 });
    expect(emitted.map((e) => [e.id, e.revision])).toEqual([
      ["id-1", 0],
      ["id-2", 0],
    ]);
  });

  it("uses a slower window for smoke, and raises smoke without flame as possible", () => {
    const frames = Array.from({ length: 8 }, (_, i) => [smoke(0.7 + 0.02 * (i % 3))]);
    const { emitted } = run(frames);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ kind: "smoke", frame: 4, confirmedFrames: 5, possible: true });
  });

  it("ignores static haze (smoke of constant area and confidence)", () => {
    expect(run(Array.from({ length: 20 }, () => [smoke()])).emitted).toEqual([]);
  });

  it("confirms possible smoke at once, under the same id, when it has persisted and grown", () => {
    // 20 frames (10 s): the plume grows from 0.2 to 0.4 of the frame side.
    const frames = Array.from({ length: 20 }, (_, i) => [smoke(0.7 + 0.02 * (i % 3), 0.2 + 0.01 * i)]);
    const { emitted } = run(frames, { updateIntervalMs: 60_000 });
    expect(emitted.map((e) => [e.id, e.revision, e.possible])).toEqual([
      ["id-1", 0, true],
      ["id-1", 1, false],
    ]);
    expect(emitted[1]!.ts - emitted[0]!.ts).toBeGreaterThanOrEqual(0);
  });

  it("does not count sightings at different places (a headlight crossing the frame)", () => {
    const frames = Array.from({ length: 10 }, (_, i) => [{ label: "fire", confidence: 0.7 + 0.1 * (i % 2), bbox: [0.05 + 0.09 * i, 0.5, 0.04, 0.04] } as Detection]);
    expect(run(frames).emitted).toEqual([]);
  });

  it("does not raise a new event on a fixture: where the kind was seen most of the last half hour", () => {
    // A lamp the chain sees in 9 of 10 frames for an hour, always at the same spot, missed now and then.
    const lamp = (i: number) => (i % 10 < 9 ? flicker(i) : []);
    const long = Array.from({ length: 60 * 120 }, (_, i) => lamp(i));
    const { emitted, confirmer } = run(long, { clearAfterMs: 400, updateIntervalMs: 3_600_000 }); // each off frame ends the event
    // Raised while the place was new, then held back once the map knows it.
    const early = emitted.filter((e) => e.revision === 0 && e.frame < 600).length;
    const late = emitted.filter((e) => e.revision === 0 && e.frame > 40 * 120).length;
    expect(early).toBeGreaterThan(0);
    expect(late).toBe(0);
    expect(confirmer.fixtureSuppressed()).toBeGreaterThan(0);
  });

  it("keeps cameras apart", () => {
    let n = 0;
    const confirmer = createFireConfirmer({ newId: () => `id-${++n}` });
    const out: Array<FireConfirmation & { camera: string }> = [];
    for (let i = 0; i < 6; i++) {
      // Camera a sees fire on every frame; camera b only on its first two.
      for (const c of confirmer.observe("a", 1000 + i * FRAME_MS, flicker(i))) out.push({ ...c, camera: "a" });
      for (const c of confirmer.observe("b", 1000 + i * FRAME_MS, i < 2 ? flicker(i) : [])) out.push({ ...c, camera: "b" });
    }
    expect(out.map((e) => [e.camera, e.id])).toEqual([["a", "id-1"]]);
    expect(confirmer.activeCount()).toBe(1);
    confirmer.forget("a");
    expect(confirmer.activeCount()).toBe(0);
  });

  it("rejects impossible rules", () => {
    expect(() => createFireConfirmer({ fire: { window: 3, minHits: 4, minVariation: 0 } })).toThrow(/minHits/);
  });
});
