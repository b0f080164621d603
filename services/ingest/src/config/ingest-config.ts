import { tmpdir } from "node:os";
import path from "node:path";
import type { IngestEnv } from "../env.js";
import type { IngestConfig } from "../ingest.js";
import type { FrameScaler } from "../source/ffmpeg-args.js";
import { ffmpegHasFilter, resolveFfmpegPath } from "../source/ffmpeg-binary.js";

/** INGEST_SCALER resolved against this ffmpeg build; asking for zscale where it is missing fails at start-up. */
export function resolveScaler(wanted: IngestEnv["INGEST_SCALER"], hasZscale: () => boolean): FrameScaler {
  if (wanted === "swscale") return "swscale";
  const has = hasZscale();
  if (wanted === "zscale" && !has) throw new Error("INGEST_SCALER=zscale, but this ffmpeg has no zscale filter (built without libzimg): use auto or swscale");
  return has ? "zscale" : "swscale";
}

/**
 * The one env → config mapping of the ingest service, used by its own main.ts and by `npm start`
 * (scripts/start/compose.ts). `inProcess`: frames go to an inference in this process (any pixel
 * format it reads), not over MQTT, where JPEG is encoded from RGB.
 */
export function ingestConfigFromEnv(env: IngestEnv, inProcess = false): IngestConfig {
  const ffmpegPath = resolveFfmpegPath(env.FFMPEG_PATH, env.PATH);
  return {
    topicPrefix: env.MQTT_TOPIC_PREFIX,
    outputWidth: env.INGEST_FRAME_WIDTH,
    pixelFormat: inProcess ? env.INGEST_PIXEL_FORMAT : env.FRAME_FORMAT === "yuv420" ? "yuv420" : "rgb24",
    frameFifo: env.INGEST_FRAME_FIFO,
    ffmpegPath,
    scaler: resolveScaler(env.INGEST_SCALER, () => ffmpegHasFilter(ffmpegPath, "zscale")),
    ...(env.INGEST_SHARD ? { shard: env.INGEST_SHARD } : {}),
    ...(env.MEDIA_DIR
      ? {
          media: {
            mediaDir: env.MEDIA_DIR,
            // One directory per process: two ingests on one host never share (or wipe) a ring.
            ringDir: env.CLIP_RING_DIR ?? path.join(tmpdir(), `vigil-clip-ring-${process.pid}`),
            ringKeepMs: env.CLIP_RING_S * 1000,
            maxViewers: env.LIVE_MAX_VIEWERS,
          },
        }
      : {}),
  };
}
