import { frameHeaderSchema, type Frame, type FrameHeader } from "./frame.js";
import { pixelByteLength } from "./frame-pixels.js";

/**
 * Binary framing of a frame on MQTT (`{prefix}/frames/{shard}`):
 *   4 bytes  big-endian length N of the JSON header
 *   N bytes  UTF-8 JSON header (`frameHeaderSchema`: cameraId, seq, captureTs, width, height, format…)
 *   rest     the image: JPEG bytes, packed RGB24 (width×height×3) or YUV 4:2:0 (width×height×1.5, frame-pixels.ts)
 * The header stays JSON so it is versioned and validated like every other Vigil message; the
 * pixels stay binary (base64 would add a third to every frame).
 */
export function encodeFrameMessage(frame: Frame): Buffer {
  const { data, ...header } = frame;
  const json = Buffer.from(JSON.stringify(frameHeaderSchema.parse(header)), "utf8");
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(json.length, 0);
  return Buffer.concat([prefix, json, data]);
}

export type FrameDecodeResult = { ok: true; frame: Frame } | { ok: false; reason: string };

/** For consumers: never throws; a bad message is a counted rejection. `data` is a view, not a copy. */
export function decodeFrameMessage(payload: Buffer | Uint8Array): FrameDecodeResult {
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (buf.length < 4) return { ok: false, reason: "frame message shorter than its length prefix" };
  const n = buf.readUInt32BE(0);
  if (n === 0 || 4 + n > buf.length) return { ok: false, reason: `frame header length ${n} does not fit a ${buf.length}-byte message` };
  let json: unknown;
  try {
    json = JSON.parse(buf.subarray(4, 4 + n).toString("utf8"));
  } catch (err) {
    return { ok: false, reason: `frame header is not JSON: ${(err as Error).message}` };
  }
  const parsed = frameHeaderSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `invalid frame header: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  const header: FrameHeader = parsed.data;
  const data = buf.subarray(4 + n);
  if (header.format !== "jpeg") {
    const expected = pixelByteLength(header.format, header.width, header.height);
    if (expected === undefined) return { ok: false, reason: `${header.format} frame of odd size ${header.width}x${header.height}` };
    if (data.length !== expected) return { ok: false, reason: `${header.format} frame has ${data.length} bytes, expected ${expected}` };
  }
  if (header.format === "jpeg" && (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8)) {
    return { ok: false, reason: "jpeg frame does not start with a JPEG marker" };
  }
  return { ok: true, frame: { ...header, data } };
}
