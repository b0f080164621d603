import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, INTERNAL_CAMERAS_PATH, internalCamerasResponseSchema } from "@vigil/contracts";
import type { CameraService } from "../../cameras/camera-service.js";

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte. */
export function tokenMatches(expected: string, given: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * Service-to-service routes: not for browsers or users, so no session and no CSRF, but a shared
 * service token (INGEST_API_TOKEN) as `Authorization: Bearer …`. Hidden from the public OpenAPI.
 * Only registered when a token is configured.
 */
export function internalRoutes(deps: { cameras: CameraService; token: string }): FastifyPluginAsyncZod {
  const requireServiceToken = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!m || !tokenMatches(deps.token, m[1]!)) {
      return void reply.code(401).send({ error: "unauthorized", message: "this route needs the ingest service token (Authorization: Bearer <INGEST_API_TOKEN>)" });
    }
  };
  return async (app) => {
    app.get(INTERNAL_CAMERAS_PATH, {
      onRequest: requireServiceToken,
      schema: { hide: true, response: { 200: internalCamerasResponseSchema, 401: errorResponseSchema } },
    }, async () => ({ cameras: await deps.cameras.listForIngest() }));
  };
}
