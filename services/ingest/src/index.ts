/** Public surface of the ingest service, for `npm start`, the alerts API and inference. */
export { startIngest, type Ingest, type IngestConfig, type IngestDeps, type IngestShard, type CameraChange } from "./ingest.js";
export { encodeFrameMessage, decodeFrameMessage, type FrameDecodeResult } from "./handoff/frame-codec.js";
export { createMqttFrameSink, type MqttFrameSink, type MqttFrameSinkOptions } from "./handoff/mqtt-frame-sink.js";
export { FrameQueue } from "./handoff/frame-queue.js";
export { IngestMetrics } from "./health/ingest-metrics.js";
export { buildIngestServer } from "./http/ingest-server.js";
export { loadCamerasFile, watchCamerasFile } from "./config/cameras-file.js";
export { resolveFfmpegPath } from "./source/ffmpeg-binary.js";
export { ingestConfigFromEnv } from "./config/ingest-config.js";
export { loadIngestEnv, type IngestEnv } from "./env.js";
export { generateStreetVideo, type GenerateOptions, type GenerateResult, type GroundTruth, type PlateTruth } from "./synthetic/generate.js";
export { decodeCamerasConfig } from "./config/cameras-topic.js";
export { createCamerasFollower, internalCamerasFetcher, type CamerasFollower } from "./config/cameras-follower.js";
