import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANALYZE_MAX_BYTES, analyzeResponseSchema } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { buildInferenceApp, startInference, type Inference } from "@vigil/inference";

const logger = createLogger({ name: "inference-api-test", level: "warn" });
let work: string;
let inference: Inference;
let app: FastifyInstance;
let jpeg: Buffer;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "vigil-analyze-"));
  inference = await startInference(
    { modelsDir: path.resolve("../shared/models"), mediaDir: path.join(work, "media"), outboxDir: path.join(work, "outbox"), topicPrefix: "vigiltest", threads: 2 },
    { logger },
  );
  app = await buildInferenceApp({ analyze: (b) => inference.analyze(b), metrics: inference.metrics, health: () => ({ plateDetector: inference.plateDetector }) });
  jpeg = await readFile(path.resolve("../shared/datasets/vn-plate-frames/images/clip3_new_3.jpg"));
});

afterAll(async () => {
  await app?.close();
  await inference?.close();
  await rm(work, { recursive: true, force: true });
});

describe("POST /api/v1/analyze", () => {
  it("reads the plates of a real JPEG", async () => {
    const res = await app.inject({ method: "POST", url: "/api/v1/analyze", headers: { "content-type": "image/jpeg" }, payload: jpeg });
    expect(res.statusCode).toBe(200);
    const body = analyzeResponseSchema.parse(res.json());
    expect(body.plates.map((p) => p.plate)).toEqual(expect.arrayContaining(["75H135792", "66P189575"]));
    expect(Array.isArray(body.fire)).toBe(true);
    expect(body.timingsMs.total).toBeGreaterThan(0);
  });

  it("reports fire in a real fire photo (the fire helper's model) and none in the parking frame", async () => {
    const photo = await readFile(path.resolve("../shared/datasets/fire-vs-normal/fire/132-img1.jpg"));
    const res = await app.inject({ method: "POST", url: "/api/v1/analyze", headers: { "content-type": "image/jpeg" }, payload: photo });
    expect(res.statusCode).toBe(200);
    const body = analyzeResponseSchema.parse(res.json());
    expect(body.fire.some((f) => f.kind === "fire" && f.confidence > 0.5)).toBe(true);
    expect(body.plates).toEqual([]);
  });

  it("returns only valid plates by default, and the invalid candidates too on request", async () => {
    let invalidCandidates = 0;
    for (const name of ["clip3_new_3.jpg", "clip3_new_10.jpg", "clip3.2_new_0.jpg", "clip3.2_new_1.jpg"]) {
      const image = await readFile(path.resolve("../shared/datasets/vn-plate-frames/images", name));
      const post = (query: string) => app.inject({ method: "POST", url: `/api/v1/analyze${query}`, headers: { "content-type": "image/jpeg" }, payload: image });
      const plain = analyzeResponseSchema.parse((await post("")).json());
      const all = analyzeResponseSchema.parse((await post("?candidates=true")).json());
      expect(plain.plates.every((p) => p.valid !== false), name).toBe(true);
      expect(all.plates.filter((p) => p.valid !== false).map((p) => p.plate)).toEqual(plain.plates.map((p) => p.plate));
      invalidCandidates += all.plates.filter((p) => p.valid === false).length;
    }
    // The frames do give invalid readings (partly hidden or distant plates): the default really drops some.
    expect(invalidCandidates).toBeGreaterThan(0);
    expect((await app.inject({ method: "POST", url: "/api/v1/analyze?candidates=maybe", headers: { "content-type": "image/jpeg" }, payload: jpeg })).statusCode).toBe(400);
  });

  it("accepts PNG too", async () => {
    const png = await sharp(jpeg).resize(960).png().toBuffer();
    const res = await app.inject({ method: "POST", url: "/api/v1/analyze", headers: { "content-type": "image/png" }, payload: png });
    expect(res.statusCode).toBe(200);
    expect(res.json().plates.length).toBeGreaterThan(0);
  });

  it("answers 415 for another content type, with a clear message", async () => {
    const res = await app.inject({ method: "POST", url: "/api/v1/analyze", headers: { "content-type": "application/json" }, payload: JSON.stringify({ image: "x" }) });
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toMatch(/image\/jpeg/);
  });

  it("answers 400 for a corrupt or empty image", async () => {
    const corrupt = Buffer.concat([jpeg.subarray(0, 2000), Buffer.alloc(2000, 7)]);
    const res = await app.inject({ method: "POST", url: "/api/v1/analyze", headers: { "content-type": "image/jpeg" }, payload: corrupt });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/not a readable/);
    const empty = await app.inject({ method: "POST", url: "/api/v1/analyze", headers: { "content-type": "image/png" }, payload: Buffer.alloc(0) });
    expect(empty.statusCode).toBe(400);
  });

  it("answers 413 for a body over the limit", async () => {
    const huge = Buffer.alloc(ANALYZE_MAX_BYTES + 1024, 0xff);
    const res = await app.inject({ method: "POST", url: "/api/v1/analyze", headers: { "content-type": "image/jpeg" }, payload: huge });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/20 MB/);
  });

  it("serves /healthz and Prometheus /metrics counting the requests", async () => {
    const health = await app.inject({ method: "GET", url: "/healthz" });
    expect(health.json()).toMatchObject({ status: "ok", plateDetector: "plate-detector-yolo-vn-640" });
    const metrics = await app.inject({ method: "GET", url: "/metrics" });
    // 3 images in the tests above plus the 8 requests of the candidates test.
    expect(metrics.body).toMatch(/vigil_inference_analyze_requests_total\{status="200"\} 11/);
    expect(metrics.body).toMatch(/vigil_inference_analyze_requests_total\{status="413"\} 1/);
    expect(metrics.body).toMatch(/vigil_inference_stage_ms_bucket/);
  });
});

describe("fresh install without the plate detector", () => {
  it("falls back to PaddleOCR text detection and still reads the plates", async () => {
    const emptyModels = path.join(work, "no-models");
    const fallback = await startInference(
      { modelsDir: emptyModels, mediaDir: path.join(work, "media2"), outboxDir: path.join(work, "outbox2"), topicPrefix: "vigiltest", threads: 2, fire: false },
      { logger },
    );
    try {
      expect(fallback.plateDetector).toBe("paddleocr-det-v4");
      const result = await fallback.analyze(jpeg);
      expect(result.plates.map((p) => p.plate)).toEqual(expect.arrayContaining(["75H135792", "66P189575"]));
    } finally {
      await fallback.close();
    }
  });
});
