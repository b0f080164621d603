import { describe, expect, it } from "vitest";
import type { Frame } from "./frame.js";
import { decodeFrameMessage, encodeFrameMessage } from "./frame-codec.js";

const rgb: Frame = { schemaVersion: 1, cameraId: "cam-1", seq: 5, captureTs: 1_700_000_000_000, width: 4, height: 2, format: "rgb24", analytics: ["plates", "fire"], data: Buffer.from(Array.from({ length: 24 }, (_, i) => i)) };

describe("frame message codec", () => {
  it("round-trips header and pixels", () => {
    const decoded = decodeFrameMessage(encodeFrameMessage(rgb));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const { data, ...header } = decoded.frame;
    const { data: original, ...expected } = rgb;
    expect(header).toEqual(expected);
    expect(Buffer.compare(Buffer.from(data), Buffer.from(original))).toBe(0);
  });

  it("carries the camera's fire controls, and rejects a header with a bad zone", () => {
    const fire = { zones: [[[0.1, 0.1], [0.4, 0.1], [0.4, 0.3]] as [number, number][]], sensitivity: "high" as const };
    const decoded = decodeFrameMessage(encodeFrameMessage({ ...rgb, fire }));
    expect(decoded).toMatchObject({ ok: true, frame: { fire } });
    expect(() => encodeFrameMessage({ ...rgb, fire: { zones: [[[0, 0], [1, 1]]], sensitivity: "normal" } })).toThrow();
  });

  it("refuses a publisher-side invalid header", () => {
    expect(() => encodeFrameMessage({ ...rgb, cameraId: "bad id/with slash" })).toThrow();
  });

  it.each([
    ["too short", Buffer.from([0, 0])],
    ["length past the end", Buffer.from([0, 0, 1, 0, 0x7b])],
    ["header not JSON", Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from("abc")])],
    ["header fails the schema", Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from("{}")])],
  ])("rejects %s without throwing", (_name, payload) => {
    const r = decodeFrameMessage(payload);
    expect(r.ok).toBe(false);
  });

  it("rejects pixels that do not match the declared size or format", () => {
    const short = encodeFrameMessage(rgb).subarray(0, -1);
    expect(decodeFrameMessage(short)).toMatchObject({ ok: false, reason: expect.stringMatching(/expected 24/) });
    const fakeJpeg = encodeFrameMessage({ ...rgb, format: "jpeg", data: Buffer.from("nope") });
    expect(decodeFrameMessage(fakeJpeg)).toMatchObject({ ok: false, reason: expect.stringMatching(/JPEG marker/) });
  });

  it("carries yuv420 frames of 1.5 bytes a pixel and refuses a wrong length or an odd size", () => {
    const yuv: Frame = { ...rgb, format: "yuv420", data: Buffer.alloc(12, 7) };
    expect(decodeFrameMessage(encodeFrameMessage(yuv))).toMatchObject({ ok: true, frame: { format: "yuv420", width: 4, height: 2 } });
    expect(decodeFrameMessage(encodeFrameMessage({ ...yuv, data: Buffer.alloc(13) }))).toMatchObject({ ok: false, reason: expect.stringMatching(/expected 12/) });
    expect(decodeFrameMessage(encodeFrameMessage({ ...yuv, width: 3, height: 2, data: Buffer.alloc(9) }))).toMatchObject({ ok: false, reason: expect.stringMatching(/odd size 3x2/) });
  });
});
