import type { InferenceEnv } from "./env.js";
import type { InferenceConfig } from "./inference.js";

/** `INFERENCE_SHARD` ("i/n") as numbers; the env schema has already checked its form. */
export function shardFromEnv(env: Pick<InferenceEnv, "INFERENCE_SHARD">): { index: number; count: number } {
  const [index, count] = env.INFERENCE_SHARD.split("/").map(Number) as [number, number];
  return { index, count };
}

/**
 * The one env → config mapping of the inference service, used by its own main.ts and by `npm start`
 * (scripts/start/compose.ts), so a setting cannot work in one and be ignored by the other.
 */
export function inferenceConfigFromEnv(env: InferenceEnv): InferenceConfig {
  return {
    modelsDir: env.MODELS_DIR,
    mediaDir: env.MEDIA_DIR,
    outboxDir: env.OUTBOX_DIR,
    outboxMaxEvents: env.OUTBOX_MAX_EVENTS,
    topicPrefix: env.MQTT_TOPIC_PREFIX,
    threads: env.ONNX_THREADS,
    workers: env.INFERENCE_WORKERS,
    plateRectInput: env.PLATE_RECT_INPUT,
    fireDetector: env.FIRE_DETECTOR,
    evidence: { snapshotWidth: env.EVIDENCE_SNAPSHOT_WIDTH, jpegQuality: env.EVIDENCE_JPEG_QUALITY },
    ...(env.FRAMES_FROM_MQTT ? { mqttFrames: shardFromEnv(env) } : {}),
  };
}
