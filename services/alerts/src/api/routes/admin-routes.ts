import { resolve } from "node:path";
import { stat } from "node:fs/promises";
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { auditListResponseSchema, errorResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import type { RouteDeps } from "../route-deps.js";
import { safeMediaPath } from "../../evidence/media-path.js";

export function adminRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/audit", {
      onRequest: requireRole(deps.auth, "admin"),
      schema: {
        tags: ["audit"],
        summary: "The audit log, newest first (admin)",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          action: z.string().max(64).optional(),
          username: z.string().max(64).optional(),
          before: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: auditListResponseSchema },
      },
    }, async (req) => ({ items: await deps.audit.list(req.query) }));

    app.get("/media/*", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: { tags: ["media"], summary: "Evidence images (session required)", hide: false, response: { 404: errorResponseSchema } },
    }, async (req, reply) => {
      const rel = (req.params as { "*": string })["*"];
      const full = safeMediaPath(deps.mediaDir, rel);
      const info = full ? await stat(full).catch(() => null) : null;
      if (!full || !info?.isFile()) return reply.code(404).send({ error: "not_found", message: "no such media file" });
      // Evidence is personal data: browsers may keep it, shared caches (proxies) may not. fastify-static
      // would otherwise write its own "public" header over this one.
      reply.header("cache-control", "private, max-age=3600");
      return reply.sendFile(full.slice(resolve(deps.mediaDir).length + 1), resolve(deps.mediaDir), { cacheControl: false });
    });
  };
}
