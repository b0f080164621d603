import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { ANALYZE_MAX_BYTES, type AnalyzeResponse } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { z } from "zod";
import { analyzeRoutes } from "./api/analyze-routes.js";
import type { InferenceMetrics } from "./metrics.js";

export interface InferenceAppDeps {
  analyze: (image: Buffer) => Promise<AnalyzeResponse>;
  metrics: InferenceMetrics;
  logger?: Logger;
  /** Extra facts for /healthz (e.g. which plate detector is loaded). */
  health?: () => Record<string, unknown>;
}

/** The inference HTTP server (analyze, health, metrics) from injected dependencies. */
export async function buildInferenceApp(deps: InferenceAppDeps): Promise<FastifyInstance> {
  // Per-request lines are info level; the service logs warnings and errors of its HTTP side only.
  const httpLogger = deps.logger?.child({ module: "http" }, { level: "warn" });
  const app = Fastify({ loggerInstance: httpLogger as FastifyBaseLogger | undefined, bodyLimit: ANALYZE_MAX_BYTES });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err: { statusCode?: number; message: string; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status === 413) {
      deps.metrics.analyzeRequests.inc({ status: "413" });
      return reply.code(413).send({ error: "Payload Too Large", message: `the image is larger than ${ANALYZE_MAX_BYTES / 1024 / 1024} MB` });
    }
    if (status === 415) {
      deps.metrics.analyzeRequests.inc({ status: "415" });
      return reply.code(415).send({ error: "Unsupported Media Type", message: "send the image as the body with Content-Type image/jpeg or image/png" });
    }
    if (status >= 500) deps.logger?.error({ err }, "request failed");
    return reply.code(status).send({ error: status >= 500 ? "Internal Server Error" : "Bad Request", message: status >= 500 ? "internal error" : err.message });
  });

  await app.register(analyzeRoutes, { analyze: deps.analyze, metrics: deps.metrics });
  app.withTypeProvider<ZodTypeProvider>().get(
    "/healthz",
    { schema: { response: { 200: z.object({ status: z.literal("ok") }).catchall(z.unknown()) } } },
    async () => ({ status: "ok" as const, ...(deps.health?.() ?? {}) }),
  );
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  return app;
}
