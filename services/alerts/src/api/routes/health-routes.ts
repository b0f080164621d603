import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { requireRole } from "../auth-hooks.js";
import type { RouteDeps } from "../route-deps.js";

export function healthRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/healthz", { schema: { tags: ["health"], summary: "Liveness", response: { 200: z.object({ status: z.literal("ok") }) } } }, async () => ({ status: "ok" as const }));

    const readiness = z.object({
      status: z.enum(["ready", "not_ready"]),
      database: z.boolean(),
      broker: z.boolean(),
      writer: z
        .object({ stalledS: z.number(), pending: z.number() })
        .optional()
        .describe("Present (and not ready) when plate reads have been pending this long without anything stored"),
    });
    app.get("/readyz", { schema: { tags: ["health"], summary: "Readiness: database and broker reachable, plate storage not stuck", response: { 200: readiness, 503: readiness } } }, async (_req, reply) => {
      const r = await deps.ready();
      const ok = r.database && r.broker && !r.writer;
      return reply.code(ok ? 200 : 503).send({ status: ok ? "ready" : "not_ready", ...r });
    });

    // Prometheus sends the configured METRICS_TOKEN as a bearer token; a person needs an admin session.
    const admin = requireRole(deps.auth, "admin");
    const expected = deps.metricsToken ? createHash("sha256").update(deps.metricsToken).digest() : null;
    const scraper = async (req: FastifyRequest, reply: FastifyReply) => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (expected && bearer && timingSafeEqual(createHash("sha256").update(bearer).digest(), expected)) return;
      return admin(req, reply);
    };
    app.get("/metrics", { schema: { hide: true }, onRequest: scraper }, async (_req, reply) => {
      reply.header("content-type", deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}
