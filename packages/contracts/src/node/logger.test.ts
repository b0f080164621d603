import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactCredentials } from "./logger.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger({ name: "test", level: "debug", destination: stream }) };
}

describe("createLogger redaction", () => {
  it("masks credentials in RTSP URLs wherever they appear", () => {
    const { lines, logger } = capture();
    const url = "rtsp://admin:S3cret!pw@10.1.2.3:554/Streaming/Channels/101";
    logger.info({ url, camera: { url } }, `connecting to ${url}`);
    logger.error({ err: new Error(`ffmpeg failed for ${url}: 401 Unauthorized`) }, "stream error");
    logger.warn(`retrying ${url}`);
    const all = lines.join("\n");
    expect(lines).toHaveLength(3);
    expect(all).not.toContain("S3cret");
    expect(all).not.toContain("admin:");
    expect(all).toContain("rtsp://***:***@10.1.2.3:554/Streaming/Channels/101");
  });

  it("removes password, token, cookie and authorization fields", () => {
    const { lines, logger } = capture();
    logger.info({ password: "hunter2-long", user: { password: "p2-secret" }, token: "tok-abc", req: { headers: { authorization: "Bearer xyz", cookie: "vigil_session=abc" } } }, "login");
    const all = lines.join("\n");
    for (const secret of ["hunter2-long", "p2-secret", "tok-abc", "Bearer xyz", "vigil_session=abc"]) expect(all).not.toContain(secret);
    expect(all).toContain("[redacted]");
  });

  it("leaves URLs without credentials alone", () => {
    expect(redactCredentials("rtsp://10.0.0.1/stream and postgres://u:p@db/x")).toBe("rtsp://10.0.0.1/stream and postgres://***:***@db/x");
  });
});
