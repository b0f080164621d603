import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, watchlistCreateResponseSchema, watchlistCreateSchema, watchlistEntrySchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { WatchlistInputError } from "../../watchlist/watchlist-service.js";

export function watchlistRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/watchlist", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: { tags: ["watchlist"], summary: "Watchlist entries with their hit counts", response: { 200: z.object({ items: z.array(watchlistEntrySchema) }) } },
    }, async () => ({ items: await deps.watchlist.list() }));

    app.post("/api/v1/watchlist", {
      onRequest: requireRole(deps.auth, "supervisor"),
      schema: {
        tags: ["watchlist"],
        summary: "Add a plate (supervisor); the last 24 h of reads are checked at once (pastHits)",
        body: watchlistCreateSchema,
        response: { 201: watchlistCreateResponseSchema, 400: errorResponseSchema },
      },
    }, async (req, reply) => {
      try {
        const result = await deps.watchlist.add(req.body, req.session!.user.username);
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
      const removed = await deps.watchlist.remove(req.params.id, req.session!.user.username);
      if (!removed) return reply.code(404).send({ error: "not_found", message: "no such watchlist entry" });
      await audit(deps, req, "watchlist.remove", removed.plate, { id: removed.id });
      return reply.code(204).send(null);
    });
  };
}
