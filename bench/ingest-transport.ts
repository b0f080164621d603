/**
 * Per-frame cost of each way to hand a sampled 1280×720 frame from ingest to inference, on
 * frames of the synthetic street video:
 *   in-process (npm start), JPEG (sharp) over MQTT on loopback, raw RGB over MQTT,
 *   raw RGB over a Unix socket, and JPEG made by ffmpeg (mjpeg) instead of RGB + sharp.
 *   npx tsx bench/ingest-transport.ts        (MQTT_URL defaults to mqtt://127.0.0.1:1883)
 * Figures go into services/ingest/DESIGN.md.
 */
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import sharp from "sharp";
import { decodeFrameMessage, encodeFrameMessage, type Frame } from "@vigil/contracts";
import { FrameQueue } from "../services/ingest/src/handoff/frame-queue.js";
import { buildFfmpegArgs } from "../services/ingest/src/source/ffmpeg-args.js";
import { PpmFrameReader } from "../services/ingest/src/source/ppm-frame-reader.js";
import { generateStreetVideo } from "@vigil/synthetic";
import { clip1080, cpuOf, median } from "./ingest-support/bench-util.js";

const MQTT_URL = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const N = Number(process.env.BENCH_FRAMES ?? 30);
const dir = mkdtempSync(path.join(tmpdir(), "vigil-transport-"));

async function streetFrames(): Promise<Frame[]> {
  const { video } = await generateStreetVideo({ seed: 11, out: path.join(dir, "street.mp4"), durationS: 8, wanted: "51F-123.45" });
  const frames: Frame[] = [];
  const reader = new PpmFrameReader((raw) => frames.push({ schemaVersion: 1, cameraId: "bench", seq: frames.length, captureTs: Date.now(), width: raw.width, height: raw.height, format: "rgb24", analytics: ["plates"], data: raw.data }));
  await cpuOf("ffmpeg", buildFfmpegArgs({ url: video, sampleFps: 4, width: 1280, realtime: false }), (c) => reader.push(c));
  return frames.slice(0, N);
}

async function timeEach(frames: Frame[], fn: (f: Frame) => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (const f of frames) {
    const t = performance.now();
    await fn(f);
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function main(): Promise<void> {
  const frames = await streetFrames();
  const rows: [string, number, string][] = [];
  const rgbBytes = frames[0]!.data.length;

  // 1. In-process: the queue hands the frame object itself to the inference pipeline.
  let got: Frame | null = null;
  const q = new FrameQueue({ submit: async (f) => void (got = f) }, 2);
  rows.push(["in-process (queue → sink, by reference)", await timeEach(frames, async (f) => { q.push(f); await new Promise((r) => setImmediate(r)); if (got !== f) throw new Error("copied"); }), `${(rgbBytes / 1e6).toFixed(2)} MB moved: 0`]);

  // 2. JPEG encode alone (sharp, quality 80), and its size.
  const jpegs: Buffer[] = [];
  const encodeMs = await timeEach(frames, async (f) => jpegs.push(await sharp(f.data, { raw: { width: f.width, height: f.height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer()));
  const jpegKb = median(jpegs.map((j) => j.length)) / 1024;
  rows.push(["JPEG encode (sharp q80)", encodeMs, `${jpegKb.toFixed(0)} KiB/frame (${(rgbBytes / 1024 / jpegKb).toFixed(0)}× smaller than RGB)`]);
  const decodeMs = await timeEach(frames, async (f) => sharp(jpegs[f.seq % jpegs.length]!).raw().toBuffer());
  rows.push(["JPEG decode at inference (sharp → RGB)", decodeMs, ""]);

  // 3. Over MQTT on loopback: publish → broker → subscriber → decodeFrameMessage.
  const pub = await mqtt.connectAsync(MQTT_URL, { clientId: `bench-pub-${process.pid}` });
  const sub = await mqtt.connectAsync(MQTT_URL, { clientId: `bench-sub-${process.pid}` });
  const topic = `vigilbench/${process.pid}/frames/0`;
  await sub.subscribeAsync(topic, { qos: 0 });
  const viaMqtt = async (payload: Buffer) => {
    const arrived = new Promise<Buffer>((resolve) => sub.once("message", (_t: string, m: Buffer) => resolve(m)));
    await pub.publishAsync(topic, payload, { qos: 0 });
    const msg = await arrived;
    const r = decodeFrameMessage(msg);
    if (!r.ok) throw new Error(r.reason);
  };
  rows.push(["JPEG over MQTT (encode + broker + decode header)", await timeEach(frames, async (f) => {
    const jpeg = await sharp(f.data, { raw: { width: f.width, height: f.height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
    await viaMqtt(encodeFrameMessage({ ...f, format: "jpeg", data: jpeg }));
  }), "QoS 0, loopback Mosquitto"]);
  rows.push(["raw RGB over MQTT", await timeEach(frames, (f) => viaMqtt(encodeFrameMessage(f))), `${(rgbBytes / 1e6).toFixed(2)} MB/frame through the broker`]);
  await pub.endAsync();
  await sub.endAsync();

  // 4. Raw RGB over a Unix socket (same host), length-prefixed.
  const sockPath = path.join(dir, "frames.sock");
  let onFrame: (() => void) | null = null;
  const server = createServer((s: Socket) => {
    let need = -1;
    let have = 0;
    let parts: Buffer[] = [];
    s.on("data", (c: Buffer) => {
      parts.push(c);
      have += c.length;
      for (;;) {
        if (need < 0 && have >= 4) {
          const head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
          parts = [head];
          need = head.readUInt32BE(0);
        }
        if (need < 0 || have < 4 + need) return;
        // One copy per frame, only once all of it has arrived.
        const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
        if (!decodeFrameMessage(all.subarray(4, 4 + need)).ok) throw new Error("bad frame");
        parts = [all.subarray(4 + need)];
        have -= 4 + need;
        need = -1;
        onFrame?.();
      }
    });
  });
  await new Promise<void>((r) => server.listen(sockPath, r));
  const client = connect(sockPath);
  await once(client, "connect");
  rows.push(["raw RGB over a Unix socket", await timeEach(frames, async (f) => {
    const body = encodeFrameMessage(f);
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(body.length);
    const done = new Promise<void>((r) => (onFrame = r));
    client.write(len);
    client.write(body);
    await done;
  }), "same host only"]);
  client.destroy();
  server.close();

  // 5. JPEG straight from ffmpeg (mjpeg encoder) vs RGB PPM: extra ffmpeg CPU per frame.
  const clip = await clip1080(20, 12);
  const base = buildFfmpegArgs({ url: clip, sampleFps: 2, width: 1280, realtime: false });
  const mjpegArgs = [...base.slice(0, -7), "-c:v", "mjpeg", "-q:v", "4", "-f", "image2pipe", "pipe:1"];
  const ppmCpu: number[] = [];
  const mjpegCpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    ppmCpu.push((await cpuOf("ffmpeg", base, () => {})).cpuS);
    mjpegCpu.push((await cpuOf("ffmpeg", mjpegArgs, () => {})).cpuS);
  }
  const outFrames = 40;
  const perFrame = (cpu: number[]) => (Math.min(...cpu) * 1000) / outFrames;
  rows.push(["ffmpeg 1080p decode + RGB PPM out (CPU per sampled frame)", perFrame(ppmCpu), "full decode at 25 fps, 2 frames/s out"]);
  rows.push(["ffmpeg 1080p decode + mjpeg out (CPU per sampled frame)", perFrame(mjpegCpu), "JPEG without sharp, but inference must decode it"]);

  console.log(`${frames.length} frames of 1280x720 synthetic street; median per frame\n`);
  for (const [name, ms, note] of rows) console.log(`${name.padEnd(56)} ${ms.toFixed(ms < 1 ? 3 : 1).padStart(8)} ms   ${note}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
