import { z } from "zod";
import { commonEnvShape, parseEnv } from "@vigil/contracts/node";
import { DEFAULT_FIRE_DETECTOR, FIRE_DETECTOR_NAMES } from "./detectors/fire-detector-names.js";

const inferenceEnvSchema = z.object({
  ...commonEnvShape,
  INFERENCE_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  INFERENCE_HOST: z.string().default("0.0.0.0"),
  MODELS_DIR: z.string().default("models/cache"),
  MEDIA_DIR: z.string().default("./media"),
  OUTBOX_DIR: z.string().default("./data/outbox"),
  OUTBOX_MAX_EVENTS: z.coerce.number().int().min(1).default(10_000),
  /** `i/n`: this worker takes frame shard i of n (MQTT transport). */
  INFERENCE_SHARD: z
    .string()
    .regex(/^\d+\/\d+$/, "must look like 0/1")
    .refine((v) => {
      const [i, n] = v.split("/").map(Number);
      return n! >= 1 && i! < n!;
    }, "shard index must be below the shard count")
    .default("0/1"),
  /** Per model, in each worker: 1 measured best with 2 workers on 2 cores (0.189 vs 0.238 cores per camera, BENCHMARKS.md). */
  ONNX_THREADS: z.coerce.number().int().min(0).max(64).default(1),
  /** Plate detector at 640×384 on 16:9 frames (40 % fewer pixels than the 640² letterbox); false: always 640². */
  PLATE_RECT_INPUT: z.enum(["true", "false", "1", "0"]).default("true").transform((v) => v === "true" || v === "1"),
  /** Analysis worker threads, each with its own models (0: analyse in the main thread); see BENCHMARKS.md capacity. */
  INFERENCE_WORKERS: z.coerce.number().int().min(0).max(64).default(2),
  /** Frames subscribed from MQTT; off when ingest runs in the same process. */
  FRAMES_FROM_MQTT: z.enum(["true", "false", "1", "0"]).default("true").transform((v) => v === "true" || v === "1"),
  /**
   * MQTT keep-alive. The broker publishes this worker's "offline" will 1.5 × this after it last
   * heard from it when the host or link dies without closing the socket: 5 s → ingest marks the
   * cameras degraded within ~8 s. (A crashed process closes its socket; the will goes out at once.)
   */
  /** Which fire/smoke detector runs (services/inference/src/detectors/fire-registry.ts). */
  FIRE_DETECTOR: z.enum(FIRE_DETECTOR_NAMES).default(DEFAULT_FIRE_DETECTOR),
  /** Evidence snapshots are scaled down to this width (evidence, not archive); plate crops stay full resolution. */
  EVIDENCE_SNAPSHOT_WIDTH: z.coerce.number().int().min(320).max(3840).default(960),
  EVIDENCE_JPEG_QUALITY: z.coerce.number().int().min(30).max(100).default(75),
  MQTT_KEEPALIVE_S: z.coerce.number().int().min(1).max(600).default(5),
});

export type InferenceEnv = z.output<typeof inferenceEnvSchema>;

export function loadInferenceEnv(source: Record<string, string | undefined> = process.env): InferenceEnv {
  return parseEnv(inferenceEnvSchema, source);
}
