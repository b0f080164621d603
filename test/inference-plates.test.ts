import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePayload, encodeFrameMessage, plateEventSchema, type PlateEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { startInference, type Inference } from "@vigil/inference";
import { PlateYoloDetector } from "../services/inference/src/detectors/plate-yolo.js";
import { decodeImage } from "../services/inference/src/image/rgb-image.js";
import { yoloForRectInput } from "../services/inference/src/runtime/onnx-rect-input.js";
import { iou } from "../services/inference/src/tracking/iou.js";
import { MqttFrameIntake } from "../services/inference/src/intake/mqtt-frame-intake.js";
import { collectMessages, connectTestMqtt, uniqueTopicPrefix } from "./support/mqtt.js";
import { rgbToYuv420Frame } from "./support/yuv-frames.js";

// Real models on real pixels: the shared YOLO plate detector and PaddleOCR, real frames and crops.
const MODELS_DIR = path.resolve("../shared/models");
const DATASETS = path.resolve("../shared/datasets");
const logger = createLogger({ name: "inference-test", level: "warn" });

let work: string;
let mqtt: MqttClient;
let inference: Inference;
const prefix = uniqueTopicPrefix("plates");

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "vigil-inference-"));
  mqtt = await connectTestMqtt();
  inference = await startInference(
    { modelsDir: MODELS_DIR, mediaDir: path.join(work, "media"), outboxDir: path.join(work, "outbox"), topicPrefix: prefix, threads: 2, fire: false },
    { logger, mqtt },
  );
});

afterAll(async () => {
  await inference?.close();
  await mqtt?.endAsync();
  await rm(work, { recursive: true, force: true });
});

async function frameJpeg(name: string): Promise<Buffer> {
  return readFile(path.join(DATASETS, "vn-plate-frames/images", `${name}.jpg`));
}

describe("inference on real plates", () => {
  it("uses the YOLO plate detector when it is installed", () => {
    expect(inference.plateDetector).toBe("plate-detector-yolo-vn-640");
  });

  it("reads the two-row motorbike plates of a real parking frame", async () => {
    const result = await inference.analyze(await frameJpeg("clip3_new_0"));
    const plates = result.plates.map((p) => p.plate);
    expect(plates).toContain("75H135792");
    expect(plates).toContain("66P189575");
    const p = result.plates.find((x) => x.plate === "75H135792")!;
    expect(p).toMatchObject({ display: "75-H1 357.92", rows: 2, valid: true });
    expect(p.bbox[0]).toBeGreaterThan(0.4);
    expect(p.bbox[0]).toBeLessThan(0.6);
    expect(result.timingsMs.detect).toBeGreaterThan(0);
  });

  // yuv420 is what ingest hands over in one process (contracts' frame-pixels.ts): the snapshot is then made from
  // the planes, and must still show the frame.
  it.each(["rgb24", "yuv420"] as const)("publishes one event per vehicle track with evidence JPEGs, not one per frame (%s frames)", async (format) => {
    const cameraId = `cam-${format}`;
    const sub = await connectTestMqtt();
    const events = await collectMessages(sub, `${prefix}/events/plate`);
    // A short "video": the same real frame panned a few pixels per frame, 200 ms apart.
    const source = sharp(await frameJpeg("clip3_new_0"));
    const t0 = Date.UTC(2026, 0, 2, 3, 4, 5);
    // Frame 0 is a blank grey one, so the event's frame is a later one, copied into a pixel buffer
    // the worker moved back (analysis-pool.ts).
    const sent: Buffer[] = [];
    for (let i = 0; i < 5; i++) {
      const { data, info } = i === 0 ? { data: Buffer.alloc(1280 * 720 * 3, 128), info: { width: 1280, height: 720 } } : await source.clone().extract({ left: 300 + i * 12, top: 200 + i * 4, width: 1280, height: 720 }).raw().toBuffer({ resolveWithObject: true });
      sent.push(Buffer.from(data));
      await inference.frameSink.submit({
        schemaVersion: 1,
        cameraId,
        seq: i,
        captureTs: t0 + i * 200,
        width: info.width,
        height: info.height,
        format,
        analytics: ["plates"],
        data: format === "rgb24" ? data : rgbToYuv420Frame(data, info.width, info.height),
      });
    }
    await inference.flush();
    await events.waitFor((m) => m.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    const decoded = events.messages.map((m) => decodePayload(plateEventSchema, m.payload));
    expect(decoded.every((d) => d.ok)).toBe(true);
    const plateEvents = decoded.map((d) => (d as { value: PlateEvent }).value).filter((e) => e.cameraId === cameraId);
    const byPlate = new Map(plateEvents.map((e) => [e.plate, e]));
    expect(byPlate.has("75H135792")).toBe(true);
    // One event id per vehicle; revisions reuse it.
    expect(new Set(plateEvents.map((e) => e.id)).size).toBeLessThanOrEqual(2);
    const ev = byPlate.get("75H135792")!;
    expect(ev).toMatchObject({ cameraId, rows: 2, display: "75-H1 357.92", revision: 0 });
    expect(ev.snapshot).toMatch(new RegExp(`^/media/${cameraId}/2026-01-02/[0-9a-f-]{36}\\.jpg$`));
    const file = path.join(work, "media", ev.snapshot!.replace(/^\/media\//, ""));
    expect(existsSync(file)).toBe(true);
    const meta = await sharp(file).metadata();
    expect(meta.format).toBe("jpeg");
    expect(existsSync(path.join(work, "media", ev.crop!.replace(/^\/media\//, "")))).toBe(true);
    // The snapshot is the frame the event names (ts), not a later one whose pixels went to the
    // worker in the same reused buffer: compared at 96×54 outside the drawn box.
    const [gw, gh] = [96, 54];
    const small = (raw: Buffer) => sharp(raw, { raw: { width: 1280, height: 720, channels: 3 } }).resize(gw, gh, { fit: "fill" }).raw().toBuffer();
    const shown = await sharp(file).resize(gw, gh, { fit: "fill" }).raw().toBuffer();
    const [bx, by, bw, bh] = ev.bbox;
    const outside = (x: number, y: number) => x < bx * gw - 2 || x > (bx + bw) * gw + 2 || y < by * gh - 2 || y > (by + bh) * gh + 2;
    const diffTo = async (raw: Buffer) => {
      const want = await small(raw);
      let sum = 0;
      let n = 0;
      for (let y = 0; y < gh; y++) for (let x = 0; x < gw; x++) if (outside(x, y)) for (let c = 0; c < 3; c++, n++) sum += Math.abs(shown[(y * gw + x) * 3 + c]! - want[(y * gw + x) * 3 + c]!);
      return sum / n;
    };
    const at = (Date.parse(ev.ts) - t0) / 200;
    const diffs = await Promise.all(sent.map(diffTo));
    expect(at).toBeGreaterThan(0);
    expect(diffs[at]!).toBeLessThan(4);
    for (const [i, d] of diffs.entries()) if (i !== at) expect(d, `frame ${i} vs the event's frame ${at}: ${diffs.map((v) => v.toFixed(2)).join(" / ")}`).toBeGreaterThan(diffs[at]! + 2);
    await sub.endAsync();
  });

  it("takes frames from its MQTT shard (ingest's binary framing) and counts bad messages", async () => {
    const sub = await connectTestMqtt();
    const events = await collectMessages(sub, `${prefix}/events/plate`);
    const intake = new MqttFrameIntake({ mqtt, topicPrefix: prefix, shard: { index: 1, count: 2 }, sink: inference.frameSink, metrics: inference.metrics, logger });
    await intake.start();
    const { data, info } = await sharp(await frameJpeg("clip3.2_new_11")).raw().toBuffer({ resolveWithObject: true });
    const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    const rejectedBefore = (await inference.metrics.framesRejected.get()).values.reduce((a, v) => a + v.value, 0);
    await mqtt.publishAsync(`${prefix}/frames/1`, Buffer.from("garbage"));
    for (let i = 0; i < 3; i++) {
      const frame = { schemaVersion: 1 as const, cameraId: "cam-mqtt", seq: i, captureTs: Date.now() + i * 200, width: info.width, height: info.height, format: "jpeg" as const, analytics: ["plates" as const], data: jpeg };
      await mqtt.publishAsync(`${prefix}/frames/1`, encodeFrameMessage(frame));
      await new Promise((r) => setTimeout(r, 400));
    }
    await events.waitFor((m) => m.some((x) => (JSON.parse(x.payload.toString()) as PlateEvent).cameraId === "cam-mqtt"), 20_000);
    const ev = events.json<PlateEvent>().find((e) => e.cameraId === "cam-mqtt")!;
    expect(ev.plate).toBe("84B136217");
    const rejectedAfter = (await inference.metrics.framesRejected.get()).values.reduce((a, v) => a + v.value, 0);
    expect(rejectedAfter - rejectedBefore).toBeGreaterThanOrEqual(1);
    await intake.close();
    await sub.endAsync();
  });

  it("counts a corrupt frame and keeps going", async () => {
    const before = (await inference.metrics.framesRejected.get()).values.reduce((a, v) => a + v.value, 0);
    await inference.frameSink.submit({ schemaVersion: 1, cameraId: "cam-test", seq: 9, captureTs: Date.now(), width: 64, height: 64, format: "jpeg", analytics: ["plates"], data: Buffer.from("not a jpeg") });
    await inference.frameSink.submit({ schemaVersion: 1, cameraId: "cam-test", seq: 10, captureTs: Date.now(), width: 64, height: 64, format: "rgb24", analytics: ["plates"], data: Buffer.alloc(10) });
    await inference.frameSink.submit({ schemaVersion: 1, cameraId: "cam-test", seq: 11, captureTs: Date.now(), width: 64, height: 64, format: "yuv420", analytics: ["plates"], data: Buffer.alloc(64 * 64 * 3) });
    const after = (await inference.metrics.framesRejected.get()).values.reduce((a, v) => a + v.value, 0);
    expect(after - before).toBe(3);
    const again = await inference.analyze(await frameJpeg("clip3_new_1"));
    expect(again.plates.length).toBeGreaterThan(0);
  });

  it("reads real one- and two-row crops from the plate dataset", async () => {
    const csv = (await readFile(path.join(DATASETS, "vn-plate-crops/labels.csv"), "utf8")).trim().split(/\r?\n/).slice(1);
    // Samples the labels of which were checked by eye.
    const wanted = ["10xemay112.jpg", "11CarLongPlate587.jpg", "3CarLongPlate226.jpg", "10xemay1217.jpg"];
    for (const name of wanted) {
      const label = csv.find((l) => l.startsWith(`${name},`))!.split(",")[2]!;
      const png = await sharp(path.join(DATASETS, "vn-plate-crops/images", name)).png().toBuffer();
      // A crop is a whole image to the analyze path too: the detector must find the plate filling it.
      const result = await inference.analyze(png);
      const plates = result.plates.map((p) => p.plate);
      expect(plates, name).toContain(label);
    }
  });
});

describe("the plate detector's rectangular input", () => {
  it("finds the same plates on wide frames at 640×384 as at 640², and leaves other models alone", async () => {
    const rect = new PlateYoloDetector();
    const square = new PlateYoloDetector({ rectInput: false });
    await rect.load({ modelsDir: MODELS_DIR, threads: 1 });
    await square.load({ modelsDir: MODELS_DIR, threads: 1 });
    try {
      let matched = 0;
      for (const name of ["clip3_new_0", "clip3_new_15", "clip4_new_14"]) {
        const image = await decodeImage(await frameJpeg(name));
        const a = (await square.detect(image)).filter((d) => d.confidence >= 0.45);
        const b = await rect.detect(image);
        expect(a.length).toBeGreaterThan(0);
        for (const d of a) {
          const same = b.find((e) => iou(d.bbox, e.bbox) >= 0.7);
          expect(same, `${name}: plate at ${d.bbox.map((v) => v.toFixed(2)).join(",")}`).toBeDefined();
          expect(Math.abs(same!.confidence - d.confidence)).toBeLessThan(0.15);
          matched++;
        }
      }
      expect(matched).toBeGreaterThanOrEqual(4);
    } finally {
      await rect.close();
      await square.close();
    }
    // The OCR model has no YOLO anchors: no rewrite is attempted on a guess.
    expect(yoloForRectInput(await readFile(path.join(MODELS_DIR, "plate-ocr-vn-cnn-64x128.onnx")), 640, 640, 384)).toBeUndefined();
  });
});
