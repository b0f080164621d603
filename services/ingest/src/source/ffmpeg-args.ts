import { DEFAULT_FRAME_SCALER, DEFAULT_SAMPLE_FPS, frameScaleFilter, type FrameScaler, type PixelFormat } from "@vigil/contracts";

export type { FrameScaler };

export interface FfmpegSourceOptions {
  url: string;
  sampleFps?: number;
  keyframesOnly?: boolean;
  /** Output width; height follows the source aspect ratio (even). */
  width: number;
  /** yuv420 (default): ffmpeg's pgmyuv pictures, no RGB conversion; rgb24: PPM. */
  pixelFormat?: PixelFormat;
  /** Socket I/O timeout for RTSP, so a silent camera makes ffmpeg exit instead of hanging. */
  rtspTimeoutMs?: number;
  /** Files only: play at the file's real rate and loop (default true; benchmarks turn it off). */
  realtime?: boolean;
  /**
   * Also write the camera's video, stream-copied (never re-encoded), as fragmented MP4 on fd 3:
   * what live viewers and the clip ring are made of (media/camera-media.ts).
   */
  mediaOutput?: boolean;
  /** Where the frames go: a FIFO's path (source/frame-fifo.ts), or stdout (default). */
  frameOutput?: string;
  /** Default DEFAULT_FRAME_SCALER (swscale, which every ffmpeg has); zscale only where ffmpegHasFilter says so. */
  scaler?: FrameScaler;
}

/** The fd the fragmented MP4 leaves on (spawn's stdio index). */
export const MEDIA_FD = 3;
/**
 * A fragment every 200 ms as well as at each keyframe: a live viewer is that much (not a whole GOP)
 * behind the camera, and a clip can start at any keyframe.
 */
export const MEDIA_FRAGMENT_US = 200_000;

export function isRtspUrl(url: string): boolean {
  return /^rtsps?:\/\//i.test(url);
}

/**
 * ffmpeg command line for one camera. Frames leave as images (PGM holding YUV 4:2:0 by default,
 * or PPM) on image2pipe: each carries its own width and height, so the reader needs no probe and
 * survives a resolution change mid-stream, and the bytes after the header are exactly the
 * picture's (contracts' frame-pixels.ts for the YUV layout).
 */
export function buildFfmpegArgs(o: FfmpegSourceOptions): string[] {
  const fps = o.sampleFps ?? DEFAULT_SAMPLE_FPS;
  const args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"];
  // The FIFO exists already (we made it): without -y, ffmpeg would refuse to "overwrite" it.
  if (o.frameOutput) args.push("-y");
  if (o.keyframesOnly) {
    // Only keyframes are decoded and none is predicted from another, so skipping the deblocking
    // filter cannot drift: it saves ~12 % of each keyframe's decode (bench/ingest-capacity.ts), and
    // plates read the same (bench/ingest-deblock-plates.ts). Full decoding keeps the filter: there every
    // sampled picture is predicted from unfiltered ones, and the error would build up over the GOP.
    args.push("-skip_frame", "nokey", "-skip_loop_filter", "all");
  }
  // One decoder thread per camera: at 2 sampled fps a single thread keeps up with 1080p25, and many
  // cameras on few cores lose to frame-thread hand-offs (bench/capacity-cameras.ts: −23 % CPU,
  // 109 → 91 MiB per camera).
  args.push("-threads", "1");
  if (isRtspUrl(o.url)) {
    args.push("-rtsp_transport", "tcp", "-timeout", String(Math.round((o.rtspTimeoutMs ?? 5000) * 1000)));
  } else if (o.realtime !== false) {
    // A local file plays at its real rate and loops, so it behaves like a live camera.
    args.push("-re", "-stream_loop", "-1");
  }
  args.push("-i", o.url, "-an", "-sn", "-dn");
  // Scale while still in YUV 4:2:0 (1.5 bytes/pixel). For rgb24, convert at the output size, where
  // swscale has a fast unscaled YUV→RGB path: ~25 % less CPU than one combined scale+convert
  // step. yuv420 leaves the conversion to inference, which makes only the pixels it looks at
  // (bench/ingest-capacity.ts).
  const scale = frameScaleFilter(o.width, o.scaler ?? DEFAULT_FRAME_SCALER);
  if (o.keyframesOnly) {
    // Only keyframes are decoded; their rate is set by the camera's GOP, and the fps filter would
    // duplicate them to fill gaps, so rate limiting happens on our side instead (KeyframeSampler).
    args.push("-vf", scale, "-fps_mode", "passthrough");
  } else {
    args.push("-vf", `fps=${fps},${scale}`);
  }
  if ((o.pixelFormat ?? "yuv420") === "yuv420") args.push("-c:v", "pgmyuv");
  else args.push("-pix_fmt", "rgb24", "-c:v", "ppm");
  args.push("-f", "image2pipe", o.frameOutput ? `file:${o.frameOutput}` : "pipe:1");
  if (o.mediaOutput) {
    // A second output of the same pull: the demuxed packets, copied before any decoding, so
    // -skip_frame and the filters above do not touch it. One connection to the camera serves
    // analysis, the clip ring and every live viewer.
    args.push("-map", "0:v:0", "-c:v", "copy", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-frag_duration", String(MEDIA_FRAGMENT_US), `pipe:${MEDIA_FD}`);
  }
  return args;
}
