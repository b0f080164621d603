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

/** Like run, with each frame's detections and sub-threshold candidates apart. */
function feedFrames(frames: Array<{ dets?: Detection[]; cands?: Detection[] }>, options: Partial<FireConfirmerOptions> = {}) {
  let n = 0;
  const confirmer = createFireConfirmer({ newId: () => `id-${++n}`, ...options });
  const out: Array<FireConfirmation & { frame: number }> = [];
  frames.forEach((f, frame) => {
    for (const c of confirmer.observe("cam-1", 1_000_000 + frame * FRAME_MS, f.dets ?? [], f.cands ?? [])) out.push({ ...c, frame });
  });
  return out;
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
    // Smoke alone needs 6 of the last 8 frames (smokeAlone), so the sixth sighting raises it.
    const frames = Array.from({ length: 8 }, (_, i) => [smoke(0.7 + 0.02 * (i % 3))]);
    const { emitted } = run(frames);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ kind: "smoke", frame: 5, confirmedFrames: 6, possible: true });
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

  describe("sustained fire (sub-threshold candidates)", () => {
    /** A small flame the model half-believes in: candidate scores 0.45–0.65, box flickering a little. */
    const weak = (i: number): Detection => ({ label: "fire", confidence: 0.55 + 0.1 * Math.sin(i * 1.9), bbox: [0.44, 0.63, 0.06, 0.06 + 0.01 * (i % 2)] });
    const feed = feedFrames;

    it("confirms a candidate seen at one place in 4 of the last 5 frames, flickering, on the fourth sighting", () => {
      const out = feed(Array.from({ length: 6 }, (_, i) => ({ cands: [weak(i)] })));
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ kind: "fire", revision: 0, confirmedFrames: 4, frame: 3 });
    });

    it("needs more than the plain rule's 3 of 5 from candidates", () => {
      const frames = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ cands: i % 5 < 3 ? [weak(i)] : [] }));
      expect(feed(frames)).toEqual([]);
    });

    it("counts detections and candidates at the same place together", () => {
      const strong = (i: number): Detection => ({ ...weak(i), confidence: 0.9 + 0.02 * (i % 2) });
      // Two detections (not enough for 3 of 5) plus two candidates at the same place.
      const out = feed([{ dets: [strong(0)] }, { cands: [weak(1)] }, { dets: [strong(2)] }, { cands: [weak(3)] }]);
      expect(out.map((e) => [e.kind, e.frame, e.confirmedFrames])).toEqual([["fire", 3, 4]]);
    });

    it("ignores steady candidates (a sign the model half-believes in) and candidates that move", () => {
      const steady = Array.from({ length: 20 }, () => ({ cands: [{ label: "fire", confidence: 0.6, bbox: [0.4, 0.4, 0.05, 0.05] } as Detection] }));
      expect(feed(steady)).toEqual([]);
      const moving = Array.from({ length: 10 }, (_, i) => ({ cands: [{ ...weak(i), bbox: [0.05 + 0.09 * i, 0.5, 0.04, 0.04] } as Detection] }));
      expect(feed(moving)).toEqual([]);
    });

    it("is off without a sustained rule, and never applies to smoke", () => {
      const frames = Array.from({ length: 8 }, (_, i) => ({ cands: [weak(i)] }));
      expect(feed(frames, { fire: { window: 5, minHits: 3, minVariation: 0.02 } })).toEqual([]);
      const smokeCands = Array.from({ length: 12 }, (_, i) => ({ cands: [smoke(0.5 + 0.05 * (i % 3))] }));
      expect(feed(smokeCands)).toEqual([]);
    });
  });

  describe("smoke-backed fire (flames under their own smoke)", () => {
    const weak = (i: number): Detection => ({ label: "fire", confidence: 0.55 + 0.1 * Math.sin(i * 1.9), bbox: [0.44, 0.63, 0.06, 0.06 + 0.01 * (i % 2)] });
    const over: Detection = { label: "smoke", confidence: 0.7, bbox: [0.3, 0.3, 0.3, 0.35] };
    const farAway: Detection = { label: "smoke", confidence: 0.7, bbox: [0, 0, 0.1, 0.1] };
    const feed = (frames: Array<{ dets?: Detection[]; cands?: Detection[] }>, options: Partial<FireConfirmerOptions> = {}) => feedFrames(frames, options).filter((e) => e.kind === "fire");

    it("confirms candidates at one place in 3 of the last 5 frames when each has a smoke detection over it", () => {
      const out = feed([0, 1, 2, 3].map((i) => ({ dets: [over], cands: [weak(i)] })));
      expect(out.map((e) => [e.frame, e.revision, e.confirmedFrames])).toEqual([[2, 0, 3]]);
      // The same candidates without the smoke wait for the sustained rule's fourth sighting.
      expect(feed([0, 1, 2, 3].map((i) => ({ cands: [weak(i)] }))).map((e) => e.frame)).toEqual([3]);
    });

    it("is not backed by smoke elsewhere in the picture, by smoke below its threshold, or in too few of the frames", () => {
      expect(feed([0, 1, 2].map((i) => ({ dets: [farAway], cands: [weak(i)] })))).toEqual([]);
      expect(feed([0, 1, 2].map((i) => ({ cands: [weak(i), { ...over, confidence: 0.3 }] })))).toEqual([]);
      expect(feed([0, 1, 2].map((i) => ({ dets: i === 1 ? [over] : [farAway], cands: [weak(i)] })))).toEqual([]);
    });

    it("still needs the flames to flicker: a steady warm spot under haze is not a fire", () => {
      const steady: Detection = { label: "fire", confidence: 0.6, bbox: [0.44, 0.63, 0.06, 0.06] };
      expect(feed(Array.from({ length: 12 }, () => ({ dets: [over], cands: [steady] })))).toEqual([]);
    });

    it("is off without a smoke-backed rule", () => {
      const rule = { window: 5, minHits: 3, minVariation: 0.02, sustained: { minHits: 4, minVariation: 0.05 } };
      expect(feed([0, 1, 2].map((i) => ({ dets: [over], cands: [weak(i)] })), { fire: rule })).toEqual([]);
    });
  });

  describe("smoke alone (no confirmed fire on the camera)", () => {
    it("does not raise smoke that comes and goes near the threshold (glare, lighting changes)", () => {
      // 5 of 8 frames (the plain smoke rule would raise it), at 0.56–0.6.
      const frames = Array.from({ length: 24 }, (_, i) => (i % 8 < 5 ? [smoke(0.56 + 0.02 * (i % 3))] : []));
      expect(run(frames).emitted).toEqual([]);
    });

    it("does not raise steady smoke whose mean confidence stays low", () => {
      expect(run(Array.from({ length: 16 }, (_, i) => [smoke(0.57 + 0.03 * (i % 3))])).emitted).toEqual([]);
    });

    it("raises smoke in 5 of 8 frames as confirmed once a fire is confirmed on the camera", () => {
      const frames = Array.from({ length: 8 }, (_, i) => [...flicker(i), ...(i % 8 < 5 ? [smoke(0.58 + 0.02 * (i % 3))] : [])]);
      const smokeOut = run(frames).emitted.filter((e) => e.kind === "smoke");
      expect(smokeOut).toHaveLength(1);
      expect(smokeOut[0]).toMatchObject({ frame: 4, confirmedFrames: 5, possible: false });
    });

    it("stays possible when it grows but was seen in under 75 % of the frames since it started", () => {
      // Seen steadily for 3.5 s (raised as possible), then in only every other frame while it grows.
      const frames = Array.from({ length: 40 }, (_, i) => (i < 7 || i % 2 === 0 ? [smoke(0.7 + 0.02 * (i % 3), 0.2 + 0.01 * i)] : []));
      const { emitted } = run(frames, { updateIntervalMs: 60_000 });
      expect(emitted.map((e) => [e.revision, e.possible])).toEqual([[0, true]]);
      // The same growth seen in every frame escalates (see "confirms possible smoke at once …").
    });
  });

  it("rejects impossible rules", () => {
    expect(() => createFireConfirmer({ fire: { window: 3, minHits: 4, minVariation: 0 } })).toThrow(/minHits/);
    expect(() => createFireConfirmer({ fire: { window: 5, minHits: 3, minVariation: 0, sustained: { minHits: 6, minVariation: 0 } } })).toThrow(/sustained/);
    expect(() => createFireConfirmer({ smokeAlone: { minHits: 9, minMeanConfidence: 0.6, escalatePresence: 0.5 } })).toThrow(/smoke-alone/);
    expect(() => createFireConfirmer({ fire: { window: 5, minHits: 3, minVariation: 0, smokeBacked: { minHits: 6, minSmokeHits: 3, minVariation: 0 } } })).toThrow(/smoke-backed/);
    expect(() => createFireConfirmer({ fire: { window: 5, minHits: 3, minVariation: 0, smokeBacked: { minHits: 3, minSmokeHits: 4, minVariation: 0 } } })).toThrow(/minSmokeHits/);
  });
});

describe("fire confirmer suspects", () => {
  it("suspects a camera while a detection or sub-threshold candidate is in its windows or an event is ongoing, not before or after", () => {
    const confirmer = createFireConfirmer({ newId: () => "id", clearAfterMs: 5_000 });
    const weak: Detection = { label: "fire", confidence: 0.5, bbox: [0.4, 0.4, 0.1, 0.1] };
    expect(confirmer.suspects("cam")).toBe(false);
    confirmer.observe("cam", 0, []);
    expect(confirmer.suspects("cam")).toBe(false);
    confirmer.observe("cam", 500, [], [weak]);
    expect(confirmer.suspects("cam")).toBe(true);
    expect(confirmer.suspects("other")).toBe(false);
    // The candidate leaves the fire window (5 frames) and the smoke window (8) holds only empty frames.
    for (let f = 2; f < 10; f++) confirmer.observe("cam", f * 500, []);
    expect(confirmer.suspects("cam")).toBe(false);
    // A confirmed fire stays suspected after it is out of sight, until the event clears.
    expect(confirmer.fireOngoing("cam")).toBe(false);
    for (let f = 10; f < 14; f++) confirmer.observe("cam", f * FRAME_MS, flicker(f));
    expect(confirmer.activeCount()).toBe(1);
    expect(confirmer.fireOngoing("cam")).toBe(true);
    expect(confirmer.fireOngoing("other")).toBe(false);
    for (let f = 14; f < 20; f++) confirmer.observe("cam", f * FRAME_MS, []);
    expect(confirmer.suspects("cam")).toBe(true);
    for (let f = 20; f < 40; f++) confirmer.observe("cam", f * FRAME_MS, []);
    expect(confirmer.activeCount()).toBe(0);
    expect(confirmer.suspects("cam")).toBe(false);
    expect(confirmer.fireOngoing("cam")).toBe(false);
  });
});
