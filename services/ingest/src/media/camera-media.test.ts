import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@vigil/contracts/node";
import { CameraMedia } from "./camera-media.js";
import { stream } from "./synthetic-fmp4.js";

const logger = createLogger({ name: "camera-media-test", level: "silent" });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), "vigil-media-test-"));
  dirs.push(d);
  return d;
}

describe("CameraMedia", () => {
  it("feeds one ffmpeg run's bytes to the live hub and the ring, in pieces of any size", async () => {
    const ringDir = path.join(tempDir(), "cam");
    const media = new CameraMedia({ cameraId: "cam", liveView: true, ringDir, logger });
    const s = stream({ seconds: 2, fps: 25, gop: 25, perFragment: 5 });
    const all = Buffer.concat([s.init, ...s.fragments.map((f) => f.data)]);
    media.runStarted();
    for (let at = 0; at < all.length; at += 1000) media.push(all.subarray(at, at + 1000));
    expect(media.hub!.ready).toBe(true);
    expect(media.hub!.codec).toBe("avc1.64001f");
    await media.ring!.flushed();
    expect(media.ring!.segmentCount).toBe(2);
    expect(readdirSync(ringDir).sort()).toEqual(["run-0-0.m4s", "run-0-1.m4s", "run-0-init.mp4"]);
    await media.close();
    expect(existsSync(ringDir)).toBe(false);
  });

  it("with live view off has no hub, with clips off no ring", async () => {
    const noLive = new CameraMedia({ cameraId: "a", liveView: false, ringDir: path.join(tempDir(), "a"), logger });
    const noClips = new CameraMedia({ cameraId: "b", liveView: true, logger });
    expect(noLive.hub).toBeNull();
    expect(noLive.ring).not.toBeNull();
    expect(noClips.ring).toBeNull();
    await Promise.all([noLive.close(), noClips.close()]);
  });

  it("stops reading a run that is not MP4 (never throws into the pipe), and reads the next run again", () => {
    const media = new CameraMedia({ cameraId: "cam", liveView: true, logger });
    const s = stream({ seconds: 1, fps: 25, gop: 25, perFragment: 5 });
    media.runStarted();
    expect(() => media.push(Buffer.from("garbage garbage garbage"))).not.toThrow();
    expect(() => media.push(s.init)).not.toThrow();
    expect(media.hub!.ready).toBe(false);
    media.runEnded();
    media.runStarted();
    media.push(Buffer.concat([s.init, s.fragments[0]!.data]));
    expect(media.hub!.ready).toBe(true);
  });

  it("a new run ends the previous run's viewers (a player must start over from the new init segment)", () => {
    const media = new CameraMedia({ cameraId: "cam", liveView: true, logger });
    const s = stream({ seconds: 1, fps: 25, gop: 25, perFragment: 5 });
    media.runStarted();
    media.push(Buffer.concat([s.init, s.fragments[0]!.data]));
    let ended = false;
    const r = media.hub!.subscribe({ write: () => true, end: () => void (ended = true) });
    expect(r.ok).toBe(true);
    media.runEnded();
    expect(ended).toBe(true);
    expect(media.hub!.viewerCount).toBe(0);
  });
});
