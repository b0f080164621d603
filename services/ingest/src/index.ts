/** Public surface of the ingest service, for `npm start` and tests. */
export { composeIngest, type IngestAdapters, type IngestService } from "./compose.js";
export { createCameraList, camerasFileList, type CameraList, type SettableCameraList } from "./config/camera-list.js";
export { startIngest, type Ingest, type IngestConfig, type IngestDeps, type IngestShard, type CameraChange } from "./ingest.js";
export { createMqttFrameSink, type MqttFrameSink, type MqttFrameSinkOptions } from "./handoff/mqtt-frame-sink.js";
export { FrameQueue } from "./handoff/frame-queue.js";
export { IngestMetrics } from "./health/ingest-metrics.js";
export { buildIngestServer } from "./http/ingest-server.js";
export { ffmpegHasFilter, resolveFfmpegPath } from "./source/ffmpeg-binary.js";
export type { FrameScaler } from "./source/ffmpeg-args.js";
export { ingestConfigFromEnv, resolveScaler } from "./config/ingest-config.js";
export { loadIngestEnv, type IngestEnv } from "./env.js";
export { createCamerasFollower, internalCamerasFetcher, type CamerasFollower } from "./config/cameras-follower.js";
