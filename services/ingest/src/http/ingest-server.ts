import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { cameraStatusSchema, type CameraStatus } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { Registry } from "prom-client";
import { mediaRoutes, type MediaRoutesDeps } from "./media-routes.js";

export interface IngestServerDeps {
  logger: Logger;
  registry: Registry;
  status(): CameraStatus[];
  /** Live view and clip routes for the alert service (registered only with a service token). */
  media?: MediaRoutesDeps;
}

/** /healthz (with per-camera status) and /metrics (Prometheus) of a standalone ingest. */
export function buildIngestServer(deps: IngestServerDeps): FastifyInstance {
  // Live streams never end by themselves, and a client that aborted one may leave a connection that
  // never sends a request (Node counts it active until headersTimeout): close must not wait for those.
  const app = Fastify({ loggerInstance: deps.logger.child({ module: "http" }), forceCloseConnections: true }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.route({
    method: "GET",
    url: "/healthz",
    schema: { response: { 200: z.object({ status: z.literal("ok"), cameras: z.array(cameraStatusSchema) }) } },
    handler: async () => ({ status: "ok" as const, cameras: deps.status() }),
  });

  if (deps.media) void app.register(mediaRoutes(deps.media));

  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", deps.registry.contentType);
    return deps.registry.metrics();
  });
  return app as unknown as FastifyInstance;
}
