import { describe, expect, it } from "vitest";
import { decodePayload } from "./parse.js";
import { plateEventSchema } from "./messages/plate-event.js";

const valid = { schemaVersion: 1, id: "5b0f8f0e-7a53-4c55-9a43-6c1f3f5f2d11", cameraId: "cam-1", ts: "2026-11-23T01:02:03.000Z", plate: "51F12345", display: "51F-123.45", rows: 1, confidence: 0.9, bbox: [0.1, 0.1, 0.2, 0.1], frames: 3 };

describe("decodePayload poison-pill guards", () => {
  it("refuses a NUL character, escaped or raw, which no downstream store can hold", () => {
    expect(decodePayload(plateEventSchema, JSON.stringify({ ...valid, display: "51F\u0000-123" }))).toEqual({ ok: false, reason: "payload contains a NUL character" });
    expect(decodePayload(plateEventSchema, Buffer.from(`${JSON.stringify(valid)}\0`))).toMatchObject({ ok: false });
    expect(decodePayload(plateEventSchema, JSON.stringify(valid)).ok).toBe(true);
  });

  it("refuses counts beyond what an integer column holds", () => {
    const r = decodePayload(plateEventSchema, JSON.stringify({ ...valid, frames: 2 ** 40 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/frames/);
  });
});
