import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, plateSearchQuerySchema, plateSearchResponseSchema, plateTrackQuerySchema, plateTrackResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { decodeCursor } from "../../storage/plate-reads-repository.js";
import { toPlateKey } from "../../watchlist/plate-keys.js";

export function plateRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const viewer = requireRole(deps.auth, "operator");

    app.get("/api/v1/plates", {
      onRequest: viewer,
      schema: {
        tags: ["plates"],
        summary: "Search plate history, or browse every read of a time window (no `q`; optionally one camera); `reason` is required and written to the audit log",
        querystring: plateSearchQuerySchema,
        response: { 200: plateSearchResponseSchema, 400: errorResponseSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      if (q.q !== undefined && toPlateKey(q.q).length === 0) return reply.code(400).send({ error: "bad_request", message: "q must contain letters or digits" });
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (cursor === null) return reply.code(400).send({ error: "bad_request", message: "invalid cursor" });
      if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) return reply.code(400).send({ error: "bad_request", message: "from is after to" });
      await audit(deps, req, "plates.search", q.q ?? null, { reason: q.reason, match: q.match, from: q.from, to: q.to, cameraId: q.cameraId });
      return deps.plateReads.search({
        ...(q.q !== undefined ? { q: q.q } : {}),
        match: q.match,
        limit: q.limit,
        fuzzyThreshold: deps.fuzzyThreshold,
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.cameraId ? { cameraId: q.cameraId } : {}),
        ...(cursor ? { cursor } : {}),
      });
    });

    app.get("/api/v1/plates/:plate/track", {
      onRequest: viewer,
      schema: {
        tags: ["plates"],
        summary: "A vehicle's sightings in time order with camera positions; `reason` is required and written to the audit log",
        params: z.object({ plate: z.string().min(1).max(20) }),
        querystring: plateTrackQuerySchema,
        response: { 200: plateTrackResponseSchema, 400: errorResponseSchema },
      },
    }, async (req, reply) => {
      const key = toPlateKey(req.params.plate);
      if (key.length < 4) return reply.code(400).send({ error: "bad_request", message: "not a plate" });
      await audit(deps, req, "plates.track", key, { reason: req.query.reason, from: req.query.from, to: req.query.to });
      const t = await deps.plateReads.track(key, req.query.from, req.query.to);
      return { plate: t.plate, display: t.display ?? key, points: t.points };
    });
  };
}
