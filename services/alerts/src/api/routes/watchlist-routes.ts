import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, ROOT_UNIT_ID, watchlistCreateResponseSchema, watchlistCreateSchema, watchlistEntrySchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { WatchlistInputError } from "../../watchlist/watchlist-service.js";
import { requestScope } from "../../units/unit-scope.js";

export function watchlistRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/watchlist", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: { tags: ["watchlist"], summary: "Watchlist entries of the user's units with their hit counts", response: { 200: z.object({ items: z.array(watchlistEntrySchema) }) } },
    }, async (req) => ({ items: await deps.watchlist.list((await requestScope(deps, req)).units) }));

    app.post("/api/v1/watchlist", {
      onRequest: requireRole(deps.auth, "supervisor"),
      schema: {
        tags: ["watchlist"],
        summary: "Add a plate (supervisor); the last 24 h of reads are checked at once (pastHits)",
        description: "unitId: the unit that owns the entry, one of the user's units (default: the user's own). Reads anywhere match it; its hits are seen by this unit and by the camera's.",
        body: watchlistCreateSchema,
        response: { 201: watchlistCreateResponseSchema, 400: errorResponseSchema, 403: errorResponseSchema },
      },
    }, async (req, reply) => {
      const user = req.session!.user;
      if (req.body.unitId !== undefined) {
        if (!(await deps.units.exists(req.body.unitId))) return reply.code(400).send({ error: "unknown_unit", message: `no unit "${req.body.unitId}"` });
        if (!(await requestScope(deps, req)).has(req.body.unitId)) return reply.code(403).send({ error: "forbidden", message: `unit "${req.body.unitId}" is not one of yours` });
      }
      try {
        const result = await deps.watchlist.add(req.body, user.username, user.unitId ?? ROOT_UNIT_ID);
        await audit(deps, req, "watchlist.add", result.entry.plate, { id: result.entry.id, reason: req.body.reason, priority: req.body.priority, pastHits: result.pastHits });
        return reply.code(201).send(result);
      } catch (err) {
        if (err instanceof WatchlistInputError) return reply.code(400).send({ error: "bad_request", message: err.message });
        throw err;
      }
    });

    app.delete("/api/v1/watchlist/:id", {
      onRequest: requireRole(deps.auth, "supervisor"),
      schema: { tags: ["watchlist"], summary: "Remove an entry (supervisor)", params: z.object({ id: z.uuid() }), response: { 204: z.null(), 404: errorResponseSchema } },
    }, async (req, reply) => {
      // Another unit's entry does not exist for this user.
      const removed = await deps.watchlist.remove(req.params.id, req.session!.user.username, (await requestScope(deps, req)).units);
      if (!removed) return reply.code(404).send({ error: "not_found", message: "no such watchlist entry" });
      await audit(deps, req, "watchlist.remove", removed.plate, { id: removed.id });
      return reply.code(204).send(null);
    });
  };
}
