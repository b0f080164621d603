import { describe, expect, it } from "vitest";
import { classifyFfmpegError } from "./ffmpeg-errors.js";

describe("classifyFfmpegError", () => {
  it.each([
    ["[tcp @ 0x55] Connection to tcp://127.0.0.1:1?timeout=5000000 failed: Connection refused", /connection refused/, "connection_refused"],
    ["[rtsp @ 0x5] method DESCRIBE failed: 401 Unauthorized\nrtsp://admin:hunter2@10.0.0.5/s: Server returned 401 Unauthorized (authorization failed)", /authentication failed/, "auth_failed"],
    ["[rtsp @ 0x5] method DESCRIBE failed: 404 Not Found", /not found on the camera/, "stream_not_found"],
    ["/data/missing.mp4: No such file or directory", /video file not found/, "file_not_found"],
    ["[tcp @ 0x5] Failed to resolve hostname nosuchhost: Name or service not known", /does not resolve/, "dns_failed"],
    ["/tmp/x.txt: Invalid data found when processing input", /not a readable video/, "not_video"],
    ["[tcp @ 0x5] Connection to tcp://10.9.9.9:554 failed: Connection timed out", /timed out/, "timeout"],
    ["\nspawn /opt/ffmpeg ENOENT", /ffmpeg not found/, "ffmpeg_missing"],
  ] as const)("%s", (stderr, expected, code) => {
    expect(classifyFfmpegError(stderr, 1).message).toMatch(expected);
    expect(classifyFfmpegError(stderr, 1).code).toBe(code);
  });

  it("falls back to the last stderr line, with credentials masked", () => {
    const reason = classifyFfmpegError("something\nrtsp://admin:hunter2@cam/1: weird failure\n", 1).message;
    expect(reason).toContain("weird failure");
    expect(reason).not.toContain("hunter2");
  });

  it("reports a clean end and a signal without stderr", () => {
    expect(classifyFfmpegError("", 0)).toEqual({ code: "stream_ended", message: "stream ended" });
    expect(classifyFfmpegError("", null, "SIGKILL")).toEqual({ code: "ffmpeg_failed", message: "ffmpeg ended by SIGKILL" });
    expect(classifyFfmpegError("", 183)).toEqual({ code: "ffmpeg_failed", message: "ffmpeg exited with code 183" });
  });
});
