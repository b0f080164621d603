import { describe, expect, it } from "vitest";
import { buildFfmpegArgs } from "./ffmpeg-args.js";

const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe("buildFfmpegArgs", () => {
  it("reads RTSP over TCP with an I/O timeout and samples with the fps filter", () => {
    const args = buildFfmpegArgs({ url: "rtsp://u:p@cam/1", sampleFps: 2, width: 1280 });
    expect(after(args, "-rtsp_transport")).toBe("tcp");
    expect(after(args, "-timeout")).toBe("5000000");
    expect(after(args, "-i")).toBe("rtsp://u:p@cam/1");
    expect(after(args, "-vf")).toBe("fps=2,scale=1280:-2:flags=bilinear,format=yuv420p");
    expect(args).not.toContain("-skip_frame");
    // Full decoding keeps the deblocking filter: P-frames are predicted from filtered pictures.
    expect(args).not.toContain("-skip_loop_filter");
    expect(args).not.toContain("-re");
    // YUV 4:2:0 pictures with a size header each (pgmyuv): no RGB conversion in ffmpeg.
    expect(args.slice(-5)).toEqual(["-c:v", "pgmyuv", "-f", "image2pipe", "pipe:1"]);
    expect(args).not.toContain("rgb24");
  });

  it("writes RGB24 PPM pictures when the frames must be RGB (JPEG over MQTT)", () => {
    const args = buildFfmpegArgs({ url: "rtsp://cam/1", width: 1280, pixelFormat: "rgb24" });
    expect(args.slice(-7)).toEqual(["-pix_fmt", "rgb24", "-c:v", "ppm", "-f", "image2pipe", "pipe:1"]);
  });

  it("puts input options before -i", () => {
    const args = buildFfmpegArgs({ url: "rtsp://cam/1", keyframesOnly: true, width: 640 });
    expect(args.indexOf("-skip_frame")).toBeLessThan(args.indexOf("-i"));
    expect(args.indexOf("-rtsp_transport")).toBeLessThan(args.indexOf("-i"));
  });

  it("decodes only keyframes and leaves their rate to the sampler", () => {
    const args = buildFfmpegArgs({ url: "rtsp://cam/1", keyframesOnly: true, sampleFps: 1, width: 640 });
    expect(after(args, "-skip_frame")).toBe("nokey");
    // Keyframes are never references for what ingest decodes: no drift without the filter.
    expect(after(args, "-skip_loop_filter")).toBe("all");
    expect(args.indexOf("-skip_loop_filter")).toBeLessThan(args.indexOf("-i"));
    expect(after(args, "-vf")).toBe("scale=640:-2:flags=bilinear,format=yuv420p");
    expect(after(args, "-fps_mode")).toBe("passthrough");
  });

  it("scales with zscale (zimg, same bilinear kernel) when asked, in both sampling modes", () => {
    expect(after(buildFfmpegArgs({ url: "rtsp://cam/1", sampleFps: 2, width: 1280, scaler: "zscale" }), "-vf")).toBe("fps=2,crop=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p,zscale=w=1280:h=-2:filter=bilinear");
    expect(after(buildFfmpegArgs({ url: "rtsp://cam/1", keyframesOnly: true, width: 640, scaler: "zscale" }), "-vf")).toBe("crop=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p,zscale=w=640:h=-2:filter=bilinear");
    expect(after(buildFfmpegArgs({ url: "rtsp://cam/1", width: 640, scaler: "swscale" }), "-vf")).toBe("fps=2,scale=640:-2:flags=bilinear,format=yuv420p");
  });

  it("plays local files at their real rate, looped", () => {
    const args = buildFfmpegArgs({ url: "/videos/street.mp4", width: 1280 });
    expect(args).toContain("-re");
    expect(after(args, "-stream_loop")).toBe("-1");
    expect(args).not.toContain("-rtsp_transport");
    expect(after(args, "-vf")).toBe("fps=2,scale=1280:-2:flags=bilinear,format=yuv420p");
  });

  it("adds the stream-copied fragmented MP4 output on fd 3 after the frames, when asked", () => {
    const args = buildFfmpegArgs({ url: "rtsp://cam/1", width: 1280, mediaOutput: true });
    const second = args.indexOf("pipe:1") + 1;
    expect(args.slice(second)).toEqual(["-map", "0:v:0", "-c:v", "copy", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "200000", "pipe:3"]);
    // The frames' filters stay on the first output only.
    expect(args.indexOf("-vf")).toBeLessThan(second);
  });
});
