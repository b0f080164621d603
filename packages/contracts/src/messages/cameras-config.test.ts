import { describe, expect, it } from "vitest";
import { cameraConfigSchema } from "./camera-config.js";
import { camerasConfigMessageSchema, publishedCamera, stripUrlCredentials, urlHasCredentials } from "./cameras-config.js";

const cam = (url: string) => cameraConfigSchema.parse({ id: "c1", name: "Gate", url, lat: 10.7, lon: 106.6 });

describe("camera URLs on the bus", () => {
  it.each([
    ["rtsp://user:secret@10.0.0.2:554/s", "rtsp://10.0.0.2:554/s"],
    ["rtsp://admin:p@ss@cam.local/live", "rtsp://cam.local/live"],
    ["RTSPS://only-user@10.0.0.2/s", "RTSPS://10.0.0.2/s"],
    ["rtsp://10.0.0.2/s", "rtsp://10.0.0.2/s"],
    ["/videos/demo@2x.mp4", "/videos/demo@2x.mp4"],
  ])("strips the user-info of %s", (url, stripped) => {
    expect(stripUrlCredentials(url)).toBe(stripped);
    expect(urlHasCredentials(url)).toBe(url !== stripped);
  });

  it("publishes a camera without its credentials, flagged, and leaves others as they are", () => {
    const p = publishedCamera(cam("rtsp://user:secret@10.0.0.2/s"));
    expect(p).toMatchObject({ url: "rtsp://10.0.0.2/s", hasCredentials: true });
    expect(JSON.stringify(p)).not.toMatch(/secret|user/);
    expect(publishedCamera(cam("rtsp://10.0.0.2/s"))).not.toHaveProperty("hasCredentials");
  });

  it("validates the retained message: flagged cameras, unique ids, unknown top-level fields ignored", () => {
    const c = { ...publishedCamera(cam("rtsp://u:p@10.0.0.2/s")) };
    expect(camerasConfigMessageSchema.safeParse({ schemaVersion: 1, ts: "2026-01-01T00:00:00Z", cameras: [c], extra: 1 }).success).toBe(true);
    expect(camerasConfigMessageSchema.safeParse({ schemaVersion: 1, ts: "2026-01-01T00:00:00Z", cameras: [c, c] }).success).toBe(false);
    expect(camerasConfigMessageSchema.safeParse({ schemaVersion: 1, ts: "2026-01-01T00:00:00Z", cameras: [{ ...c, other: 1 }] }).success).toBe(false);
  });
});
