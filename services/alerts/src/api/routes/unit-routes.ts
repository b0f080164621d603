import { z } from "zod";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, unitCreateSchema, unitListResponseSchema, unitParamsSchema, unitPatchSchema, unitSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { UnitError } from "../../units/unit-service.js";
import { requestScope } from "../../units/unit-scope.js";

const refused = (reply: FastifyReply, err: unknown) => {
  if (!(err instanceof UnitError)) throw err;
  return reply.code(err.status).send({ error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
};

/** Police units: everyone reads the units of their scope; admins create, rename, move and remove them. */
export function unitRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const admin = requireRole(deps.auth, "admin");

    app.get("/api/v1/units", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: { tags: ["units"], summary: "The units the user sees: their own and those below it (admins and the root unit: all)", response: { 200: unitListResponseSchema } },
    }, async (req) => ({ items: await deps.units.list(await requestScope(deps, req)) }));

    app.post("/api/v1/units", {
      onRequest: admin,
      schema: {
        tags: ["units"],
        summary: "Add a unit (admin)",
        description: "id: a lower-case slug (generated when absent); parentId: the unit it belongs to (default: the root unit).",
        body: unitCreateSchema,
        response: { 201: unitSchema, 400: errorResponseSchema, 409: errorResponseSchema },
      },
    }, async (req, reply) => {
      try {
        const unit = await deps.units.create(req.body);
        await audit(deps, req, "unit.create", unit.id, { name: unit.name, parentId: unit.parentId });
        return reply.code(201).send(unit);
      } catch (err) {
        return refused(reply, err);
      }
    });

    app.patch("/api/v1/units/:id", {
      onRequest: admin,
      schema: {
        tags: ["units"],
        summary: "Rename a unit and/or move it under another (admin); moving it under itself or a unit below it is a 409",
        params: unitParamsSchema,
        body: unitPatchSchema,
        response: { 200: unitSchema, 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    }, async (req, reply) => {
      try {
        const unit = await deps.units.update(req.params.id, req.body);
        await audit(deps, req, "unit.update", unit.id, { ...req.body });
        return unit;
      } catch (err) {
        return refused(reply, err);
      }
    });

    app.delete("/api/v1/units/:id", {
      onRequest: admin,
      schema: {
        tags: ["units"],
        summary: "Remove an empty unit (admin); one that still holds units, cameras, users or watchlist entries is a 409 listing them (details)",
        params: unitParamsSchema,
        response: { 204: z.null(), 404: errorResponseSchema, 409: errorResponseSchema },
      },
    }, async (req, reply) => {
      try {
        const unit = await deps.units.remove(req.params.id);
        await audit(deps, req, "unit.delete", unit.id, { name: unit.name });
        return reply.code(204).send(null);
      } catch (err) {
        return refused(reply, err);
      }
    });
  };
}
