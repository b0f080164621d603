/** Public surface of the inference service, for `npm start` (one process) and tests. */
export { composeInference, type BrokerOptions, type InferenceAdapters, type InferenceService } from "./compose.js";
export { startInference, choosePlateDetector, type Inference, type InferenceConfig, type InferenceDeps } from "./inference.js";
export { buildInferenceApp, type InferenceAppDeps } from "./app.js";
export { InferenceMetrics } from "./metrics.js";
export { loadInferenceEnv, type InferenceEnv } from "./env.js";
export { inferenceConfigFromEnv } from "./config.js";
