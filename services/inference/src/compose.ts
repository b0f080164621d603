/**
 * The inference service from its env and adapters: the broker connection (with this shard's will
 * when frames come over MQTT) → models, outbox and stages (startInference) → shard presence →
 * HTTP (analyze, /healthz, /metrics) on INFERENCE_PORT. `main.ts` and `npm start` (frames handed
 * in-process, FRAMES_FROM_MQTT=false) both run this; new inference wiring goes here.
 */
import { hostname } from "node:os";
import type { FastifyInstance } from "fastify";
import type { IClientOptions, MqttClient } from "mqtt";
import { composition, type Composition, type Logger } from "@vigil/contracts/node";
import { buildInferenceApp } from "./app.js";
import { inferenceConfigFromEnv, shardFromEnv } from "./config.js";
import type { InferenceEnv } from "./env.js";
import { startInference, type Inference } from "./inference.js";
import { ShardPresence } from "./intake/shard-presence.js";
import { InferenceMetrics } from "./metrics.js";

export interface BrokerOptions {
  /** Seconds; short so that the broker sends the will soon after a silent death. */
  keepaliveS: number;
  /** This shard's retained "offline", set when frames come over MQTT. */
  will?: IClientOptions["will"];
}

export interface InferenceAdapters {
  logger: Logger;
  /** Opens the broker connection with these options; ended on stop. */
  connectBroker(options: BrokerOptions): Promise<MqttClient>;
  /** Default: a registry with Node's process metrics. */
  metrics?: InferenceMetrics;
}

export interface InferenceService {
  inference: Inference;
  http: FastifyInstance;
  metrics: InferenceMetrics;
}

export function composeInference(env: InferenceEnv, a: InferenceAdapters): Composition<InferenceService> {
  const { logger } = a;
  return composition(logger, async (stops) => {
    const { index, count } = shardFromEnv(env);
    // Consuming frames from MQTT: ingest learns whether this shard is served from our retained status and will.
    const presence = env.FRAMES_FROM_MQTT ? new ShardPresence({ topicPrefix: env.MQTT_TOPIC_PREFIX, shard: { index, count }, instance: `${hostname()}:${process.pid}`, logger }) : null;
    const mqtt = await a.connectBroker({ keepaliveS: env.MQTT_KEEPALIVE_S, ...(presence ? { will: presence.will() } : {}) });
    stops.push("mqtt", () => mqtt.endAsync());
    mqtt.on("error", (err) => logger.warn({ err }, "mqtt error"));
    // Withdrawn after the stages have stopped taking frames (stops run in reverse).
    if (presence) stops.push("presence", () => presence.withdraw());
    const metrics = a.metrics ?? new InferenceMetrics(true);
    const inference = await startInference(inferenceConfigFromEnv(env), { logger, mqtt, metrics });
    stops.push("inference", () => inference.close());
    // Only now are frames subscribed: "online" means they are being taken.
    presence?.attach(mqtt);
    const http = await buildInferenceApp({ analyze: (img) => inference.analyze(img), metrics, logger, health: () => ({ plateDetector: inference.plateDetector, mqtt: mqtt.connected }) });
    await http.listen({ port: env.INFERENCE_PORT, host: env.INFERENCE_HOST });
    stops.push("http", () => http.close());
    logger.info({ port: env.INFERENCE_PORT }, "inference listening");
    return { inference, http, metrics };
  });
}
