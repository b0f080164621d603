import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Detection, RgbImage } from "../services/inference/src/detectors/detector.js";
import { VigilFireGridDetector } from "../services/inference/src/detectors/fire-vigil-grid.js";
import { YoloFireBaselineDetector } from "../services/inference/src/detectors/fire-yolov8-baseline.js";

// Both fire detectors on real held-out images through onnxruntime: a sample of the test split
// (every 4th fire and every 4th hard negative), not the full evaluation (`npm run eval:fire`).
const repo = fileURLToPath(new URL("..", import.meta.url));
const datasetsDir = process.env.DATASETS_DIR ?? path.resolve(repo, "../shared/datasets");
const modelsDir = process.env.MODELS_DIR ?? path.resolve(repo, "../shared/models");
const testSplit = readFileSync(path.join(repo, "models/training/fire/splits/test.txt"), "utf8").split("\n").filter(Boolean);
const fireImages = testSplit.filter((r) => r.startsWith("fire-vs-normal/fire/") || r.startsWith("fire-smoke/val/images/fire-image")).filter((_, i) => i % 4 === 0);
const hardNegatives = testSplit.filter((r) => r.startsWith("fire-vs-normal/normal/")).filter((_, i) => i % 4 === 0);

async function decode(rel: string): Promise<RgbImage> {
  const { data, info } = await sharp(path.join(datasetsDir, rel)).rotate().removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function expectWellFormed(detections: Detection[]): void {
  for (const d of detections) {
    expect(["fire", "smoke"]).toContain(d.label);
    expect(d.confidence).toBeGreaterThan(0);
    expect(d.confidence).toBeLessThanOrEqual(1);
    const [x, y, w, h] = d.bbox;
    for (const v of [x, y, w, h]) expect(v).toBeGreaterThanOrEqual(0);
    expect(x + w).toBeLessThanOrEqual(1 + 1e-6);
    expect(y + h).toBeLessThanOrEqual(1 + 1e-6);
  }
}

describe("Vigil fire grid detector on held-out images", () => {
  const detector = new VigilFireGridDetector();
  beforeAll(() => detector.load({ modelsDir, threads: 2 }));
  afterAll(() => detector.close());

  it("finds fire in held-out fire photos and stays quiet on most hard negatives", async () => {
    let hits = 0;
    for (const rel of fireImages) {
      const dets = await detector.detect(await decode(rel));
      expectWellFormed(dets);
      if (dets.some((d) => d.label === "fire")) hits += 1;
    }
    let falsePositives = 0;
    for (const rel of hardNegatives) {
      const dets = await detector.detect(await decode(rel));
      expectWellFormed(dets);
      if (dets.some((d) => d.label === "fire")) falsePositives += 1;
    }
    expect(fireImages.length).toBeGreaterThan(20);
    expect(hardNegatives.length).toBeGreaterThan(30);
    expect(hits / fireImages.length).toBeGreaterThanOrEqual(0.85);
    expect(falsePositives / hardNegatives.length).toBeLessThanOrEqual(0.1);
  });

  it("rejects a malformed image with a clear error instead of crashing", async () => {
    await expect(detector.detect({ data: Buffer.alloc(10), width: 640, height: 480 })).rejects.toThrow(/expected 921600/);
  });
});

describe("shared YOLOv8n baseline through the same code path", () => {
  const detector = new YoloFireBaselineDetector();
  beforeAll(() => detector.load({ modelsDir, threads: 2 }));
  afterAll(() => detector.close());

  it("runs on real images and returns well-formed detections", async () => {
    for (const rel of [...fireImages.slice(0, 8), ...hardNegatives.slice(0, 4)]) {
      expectWellFormed(await detector.detect(await decode(rel)));
    }
  });
});
