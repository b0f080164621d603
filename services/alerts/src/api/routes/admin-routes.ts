import { resolve } from "node:path";
import { stat } from "node:fs/promises";
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import { auditListResponseSchema, errorResponseSchema, MEDIA_URL_PREFIX } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { safeMediaPath } from "../../evidence/media-path.js";
import { requestScope } from "../../units/unit-scope.js";

export function adminRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  /**
   * Evidence lies under `<cameraId>/…`: a user sees the files of their units' cameras, and those of
   * an alert they see through its watchlist entry or assignment (a district's wanted car read elsewhere).
   */
  const mediaInScope = async (rel: string, req: FastifyRequest): Promise<boolean> => {
    const scope = await requestScope(deps, req);
    if (scope.all || scope.has(deps.cameras.unitOf(rel.split("/")[0] ?? ""))) return true;
    return deps.units.alertMediaVisible(`${MEDIA_URL_PREFIX}${rel}`, scope);
  };
  return async (app) => {
    // Supervisors read their units' rows (a chief reviews who looked up what); admins read all.
    app.get("/api/v1/audit", {
      onRequest: requireRole(deps.auth, "supervisor"),
      schema: {
        tags: ["audit"],
        summary: "The audit log, newest first (supervisor: the rows of users of their units; admin: all)",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          action: z.string().max(64).optional(),
          username: z.string().max(64).optional(),
          before: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: auditListResponseSchema },
      },
    }, async (req) => ({ items: await deps.audit.list({ ...req.query, units: (await requestScope(deps, req)).units }) }));

    app.get("/media/*", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: { tags: ["media"], summary: "Evidence images (session required); 409 evidence_tampered when the bytes no longer match their recorded SHA-256", hide: false, response: { 404: errorResponseSchema, 409: errorResponseSchema } },
    }, async (req, reply) => {
      const rel = (req.params as { "*": string })["*"];
      const full = safeMediaPath(deps.mediaDir, rel);
      const info = full ? await stat(full).catch(() => null) : null;
      if (!full || !info?.isFile() || !(await mediaInScope(rel, req))) return reply.code(404).send({ error: "not_found", message: "no such media file" });
      const checked = await deps.mediaIntegrity?.check(`/media/${rel}`, full, info);
      if (checked?.status === "tampered") {
        // Evidence that changed after it was written is never shown as if it were the original.
        deps.metrics.evidenceTampered.inc();
        if (checked.first) {
          req.log.error({ path: `/media/${rel}`, expected: checked.expected, actual: checked.actual }, "evidence file does not match its recorded hash");
          await audit(deps, req, "evidence.tampered", `/media/${rel}`, { expectedSha256: checked.expected, actualSha256: checked.actual });
        }
        return reply.code(409).send({ error: "evidence_tampered", message: "this evidence file no longer matches the SHA-256 recorded when it was written; it is not served", details: { path: `/media/${rel}`, expectedSha256: checked.expected, actualSha256: checked.actual } });
      }
      // Evidence is personal data: browsers may keep it, shared caches (proxies) may not. fastify-static
      // would otherwise write its own "public" header over this one.
      reply.header("cache-control", "private, max-age=3600");
      return reply.sendFile(full.slice(resolve(deps.mediaDir).length + 1), resolve(deps.mediaDir), { cacheControl: false });
    });
  };
}
