import { describe, expect, it } from "vitest";
import { decodeCamerasConfig } from "./cameras-config.js";

const cam = { id: "c1", name: "Gate", url: "rtsp://10.0.0.2/s", lat: 10.7, lon: 106.6 };

describe("cameras config message", () => {
  it("accepts the alert service's retained list", () => {
    const r = decodeCamerasConfig(JSON.stringify({ schemaVersion: 1, ts: "2026-01-01T00:00:00.000Z", cameras: [cam], extra: true }));
    expect(r).toMatchObject({ ok: true, cameras: [{ id: "c1", analytics: ["plates", "fire"] }] });
  });

  it("keeps the flag of a camera whose credentials were withheld", () => {
    const r = decodeCamerasConfig(JSON.stringify({ schemaVersion: 1, ts: "2026-01-01T00:00:00.000Z", cameras: [{ ...cam, hasCredentials: true }] }));
    expect(r).toMatchObject({ ok: true, cameras: [{ id: "c1", url: "rtsp://10.0.0.2/s", hasCredentials: true }] });
  });

  it.each([
    ["empty", ""],
    ["not JSON", "{"],
    ["wrong version", JSON.stringify({ schemaVersion: 2, ts: "2026-01-01T00:00:00Z", cameras: [] })],
    ["duplicate ids", JSON.stringify({ schemaVersion: 1, ts: "2026-01-01T00:00:00Z", cameras: [cam, cam] })],
    ["bad camera", JSON.stringify({ schemaVersion: 1, ts: "2026-01-01T00:00:00Z", cameras: [{ ...cam, url: "http://x" }] })],
  ])("rejects %s without throwing", (_n, payload) => {
    expect(decodeCamerasConfig(payload).ok).toBe(false);
  });
});
