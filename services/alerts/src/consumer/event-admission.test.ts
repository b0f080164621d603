import { describe, expect, it } from "vitest";
import type { FireEvent, PlateEvent } from "@vigil/contracts";
import { checkEvidencePath, checkEventTime, createEventAdmission, eventTimeWindow, type AdmissionPolicy } from "./event-admission.js";

const NOW = Date.parse("2026-12-03T12:00:00Z");
const policy: AdmissionPolicy = { retentionDays: 90, maxFutureSkewMs: 300_000, mediaDir: "/srv/media" };
const plate = (over: Partial<PlateEvent> = {}): PlateEvent => ({
  schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-1", ts: new Date(NOW - 1_000).toISOString(), plate: "51F12345", display: "51F-123.45",
  rows: 1, confidence: 0.9, bbox: [0.1, 0.1, 0.1, 0.1], frames: 3, ...over,
});
const fire = (over: Partial<FireEvent> = {}): FireEvent => ({
  schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-1", ts: new Date(NOW).toISOString(), kind: "fire", confidence: 0.9, boxes: [], confirmedFrames: 3, ...over,
});
const admission = (known = ["cam-1"]) => createEventAdmission({ policy, isKnownCamera: (id) => known.includes(id), now: () => NOW });

describe("event time window", () => {
  it("spans now − retention … now + skew", () => {
    expect(eventTimeWindow(policy, NOW)).toEqual({ fromMs: NOW - 90 * 86_400_000, toMs: NOW + 300_000 });
  });

  it.each([
    ["9999-12-31T23:59:59Z"], // the poison event of issue 15: its day partition cannot be created
    ["2099-01-01T00:00:00Z"],
    ["1970-01-01T00:00:00Z"],
    [new Date(NOW + 301_000).toISOString()],
    [new Date(NOW - 91 * 86_400_000).toISOString()],
  ])("refuses %s", (ts) => {
    expect(checkEventTime(ts, policy, NOW)).toMatchObject({ label: "ts_out_of_window", reason: expect.stringContaining(ts) });
  });

  it("accepts the edges and offsets", () => {
    expect(checkEventTime(new Date(NOW + 300_000).toISOString(), policy, NOW)).toBeNull();
    expect(checkEventTime(new Date(NOW - 89 * 86_400_000).toISOString(), policy, NOW)).toBeNull();
    expect(checkEventTime("2026-12-03T19:00:00+07:00", policy, NOW)).toBeNull();
    expect(checkEventTime("2026-12-03T20:00:00+07:00", policy, NOW)).not.toBeNull(); // 13:00Z, an hour ahead
  });
});

describe("evidence paths", () => {
  it("accepts this system's /media files only", () => {
    expect(checkEvidencePath("snapshot", "/media/cam-1/2026-12-03/e.jpg", policy.mediaDir)).toBeNull();
    expect(checkEvidencePath("snapshot", undefined, policy.mediaDir)).toBeNull();
    for (const bad of ["/api/v1/plates?q=51F12345&reason=FORGED", "https://evil.example/x.jpg", "/media/../api/v1/audit", "//evil.example/a.jpg"]) {
      expect(checkEvidencePath("snapshot", bad, policy.mediaDir), bad).toMatchObject({ label: "evidence_path" });
    }
  });
});

describe("event admission", () => {
  it("admits a plausible event from a registered camera", async () => {
    expect(await admission().plate(plate({ snapshot: "/media/cam-1/d/e.jpg", crop: "/media/cam-1/d/e-crop.jpg" }))).toBeNull();
    expect(await admission().fire(fire({ snapshot: "/media/fire/cam-1/e.jpg" }))).toBeNull();
  });

  it("refuses unknown cameras, unless told to accept them", async () => {
    expect(await admission().plate(plate({ cameraId: "rogue" }))).toMatchObject({ label: "unknown_camera" });
    expect(await admission().fire(fire({ cameraId: "rogue" }))).toMatchObject({ label: "unknown_camera" });
    const open = createEventAdmission({ policy, isKnownCamera: () => false, acceptUnknownCameras: true, now: () => NOW });
    expect(await open.plate(plate({ cameraId: "rogue" }))).toBeNull();
  });

  it("refuses a display that does not read as the plate, through the plate module's key", async () => {
    expect(await admission().plate(plate({ display: "99Z-999.99" }))).toMatchObject({ label: "display_mismatch" });
    expect(await admission().plate(plate({ plate: "29MD101353", display: "29-MĐ1 013.53" }))).toBeNull();
    expect(await admission().plate(plate({ display: "51f 123 45" }))).toBeNull();
  });

  it("refuses forged evidence paths on plate and fire events", async () => {
    expect(await admission().plate(plate({ snapshot: "/api/v1/plates?q=51F12345&reason=FORGED" }))).toMatchObject({ label: "evidence_path", reason: expect.stringMatching(/^snapshot/) });
    expect(await admission().plate(plate({ crop: "https://evil.example/c.jpg" }))).toMatchObject({ label: "evidence_path", reason: expect.stringMatching(/^crop/) });
    expect(await admission().fire(fire({ snapshot: "/api/v1/alerts" }))).toMatchObject({ label: "evidence_path" });
  });

  it("refuses out-of-window times on fire events too", async () => {
    expect(await admission().fire(fire({ ts: "9999-12-31T23:59:59Z" }))).toMatchObject({ label: "ts_out_of_window" });
  });
});
