import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { RtspTestCamera } from "./support/rtsp-camera.js";

const run = promisify(execFile);

async function probe(url: string) {
  const { stdout } = await run("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "json", url], { timeout: 20_000 });
  return (JSON.parse(stdout) as { streams: { codec_name: string; width: number; height: number }[] }).streams[0];
}

describe("RTSP test camera (GStreamer, RTP over TCP)", () => {
  const cam = new RtspTestCamera({ width: 640, height: 360, user: "viewer", password: "p@ss w0rd" });
  afterAll(() => cam.stop());

  it("serves H.264 to a client with the right credentials, and survives a stop/start on the same port", async () => {
    await cam.start();
    expect(await probe(cam.url)).toEqual({ codec_name: "h264", width: 640, height: 360 });
    await expect(probe(cam.url.replace(/\/\/.*@/, "//viewer:wrong@"))).rejects.toThrow(/401|Unauthorized|Server returned/i);
    const port = cam.port;
    await cam.stop();
    await expect(probe(cam.url)).rejects.toThrow();
    await cam.start();
    expect(cam.port).toBe(port);
    expect((await probe(cam.url))?.codec_name).toBe("h264");
  });
});
