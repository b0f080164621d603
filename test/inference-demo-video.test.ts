import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePayload, plateEventSchema, type PlateEvent } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { startInference, type Inference } from "@vigil/inference";
import { generateStreetVideo, type GenerateResult } from "@vigil/synthetic";
import { collectMessages, connectTestMqtt, uniqueTopicPrefix } from "./support/mqtt.js";

// The demo street video of `npm start` (ingest's generator, with a watchlisted plate), decoded at
// 5 fps by ffmpeg and pushed through the in-process frame sink: one event per vehicle, read right,
// the wanted plate published within a second or two of becoming legible.
const W = 1280;
const H = 720;
let work: string;
let video: GenerateResult;
let inference: Inference;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "vigil-demo-"));
  video = await generateStreetVideo({ seed: 3, out: path.join(work, "street.mp4"), durationS: 12, wanted: "51F-123.45" });
});

afterAll(async () => {
  await inference?.close();
  await rm(work, { recursive: true, force: true });
});

describe("plates of the demo street video", () => {
  it("publishes each legible vehicle once, with the right plate, soon after it becomes legible", async () => {
    const mqtt = await connectTestMqtt();
    const prefix = uniqueTopicPrefix("demo");
    const events = await collectMessages(mqtt, `${prefix}/events/plate`);
    inference = await startInference(
      { modelsDir: path.resolve("../shared/models"), mediaDir: path.join(work, "media"), outboxDir: path.join(work, "outbox"), topicPrefix: prefix, threads: 2, fire: false },
      { logger: createLogger({ name: "demo-test", level: "warn" }), mqtt },
    );
    const t0 = Date.UTC(2026, 0, 1);
    const ff = spawn("ffmpeg", ["-loglevel", "error", "-i", video.video, "-vf", "fps=5", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
    let pending = Buffer.alloc(0);
    let seq = 0;
    for await (const chunk of ff.stdout as AsyncIterable<Buffer>) {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= W * H * 3) {
        const data = Buffer.from(pending.subarray(0, W * H * 3));
        pending = pending.subarray(W * H * 3);
        await inference.frameSink.submit({ schemaVersion: 1, cameraId: "demo", seq, captureTs: t0 + seq * 200, width: W, height: H, format: "rgb24", analytics: ["plates"], data });
        seq++;
      }
    }
    expect(seq).toBeGreaterThan(50);
    await inference.flush();
    const legible = video.truth.plates.filter((p) => p.legibleFrames >= 10);
    await events.waitFor((m) => m.length >= legible.length);
    await new Promise((r) => setTimeout(r, 300));
    const published = events.messages.map((m) => decodePayload(plateEventSchema, m.payload)).map((d) => (d.ok ? d.value : undefined)) as PlateEvent[];
    expect(published.every(Boolean)).toBe(true);
    const truthPlates = new Set(video.truth.plates.map((p) => p.plate));
    // No invented plates.
    expect(published.filter((e) => !truthPlates.has(e.plate))).toEqual([]);
    for (const p of legible) {
      const ids = new Set(published.filter((e) => e.plate === p.plate).map((e) => e.id));
      expect(ids.size, `${p.display}: events`).toBe(1);
    }
    const wanted = video.truth.plates.find((p) => p.wanted)!;
    const hit = published.find((e) => e.plate === wanted.plate)!;
    const legibleAt = t0 + (wanted.firstLegibleFrame! / video.truth.fps) * 1000;
    expect(Date.parse(hit.ts) - legibleAt).toBeLessThan(2000);
    await mqtt.endAsync();
  });
});
