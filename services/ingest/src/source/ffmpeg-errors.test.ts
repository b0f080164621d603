import { describe, expect, it } from "vitest";
import { classifyFfmpegError } from "./ffmpeg-errors.js";

describe("classifyFfmpegError", () => {
  it.each([
    ["[tcp @ 0x55] Connection to tcp://127.0.0.1:1?timeout=5000000 failed: Connection refused", /connection refused/],
    ["[rtsp @ 0x5] method DESCRIBE failed: 401 Unauthorized\nrtsp://admin:hunter2@10.0.0.5/s: Server returned 401 Unauthorized (authorization failed)", /authentication failed/],
    ["[rtsp @ 0x5] method DESCRIBE failed: 404 Not Found", /not found on the camera/],
    ["/data/missing.mp4: No such file or directory", /video file not found/],
    ["[tcp @ 0x5] Failed to resolve hostname nosuchhost: Name or service not known", /does not resolve/],
    ["/tmp/x.txt: Invalid data found when processing input", /not a readable video/],
    ["[tcp @ 0x5] Connection to tcp://10.9.9.9:554 failed: Connection timed out", /timed out/],
    ["\nspawn /opt/ffmpeg ENOENT", /ffmpeg not found/],
  ])("%s", (stderr, expected) => {
    expect(classifyFfmpegError(stderr, 1)).toMatch(expected);
  });

  it("falls back to the last stderr line, with credentials masked", () => {
    const reason = classifyFfmpegError("something\nrtsp://admin:hunter2@cam/1: weird failure\n", 1);
    expect(reason).toContain("weird failure");
    expect(reason).not.toContain("hunter2");
  });

  it("reports a clean end and a signal without stderr", () => {
    expect(classifyFfmpegError("", 0)).toBe("stream ended");
    expect(classifyFfmpegError("", null, "SIGKILL")).toBe("ffmpeg ended by SIGKILL");
    expect(classifyFfmpegError("", 183)).toBe("ffmpeg exited with code 183");
  });
});
