import { z } from "zod";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { alertAckBodySchema, alertAssignBodySchema, alertHistoryEntrySchema, alertListQuerySchema, alertListResponseSchema, alertResolveBodySchema, alertSchema, errorResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { AlertTransitionError } from "../../alerting/alert-service.js";
import { alertVisibleTo, requestScope, seesSystemAlerts } from "../../units/unit-scope.js";

const idParams = z.object({ id: z.uuid() });

export function alertRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const operator = requireRole(deps.auth, "operator");

    app.get("/api/v1/alerts", {
      onRequest: operator,
      schema: {
        tags: ["alerts"],
        summary: "The alert queue",
        description: "order=queue (default): new, then acknowledged, then resolved; most severe first; then by the latest occurrence (lastSeenAt, or raisedAt when later). order=newest: by ts.",
        querystring: alertListQuerySchema,
        response: { 200: alertListResponseSchema },
      },
    }, async (req) => ({ items: await deps.alertsRepo.list({ ...req.query, withSystem: seesSystemAlerts(req.session?.user.role), units: (await requestScope(deps, req)).units }) }));

    app.get("/api/v1/alerts/:id", {
      onRequest: operator,
      schema: { tags: ["alerts"], summary: "One alert with its full history (raised, acknowledged, each occurrence, resolved)", params: idParams, response: { 200: z.object({ alert: alertSchema, history: z.array(alertHistoryEntrySchema) }), 404: errorResponseSchema } },
    }, async (req, reply) => {
      const alert = await deps.alertsRepo.get(req.params.id);
      if (!alert || !(await alertVisibleTo(deps, req, alert))) return reply.code(404).send({ error: "not_found", message: "no such alert" });
      return { alert, history: await deps.alertsRepo.history(req.params.id) };
    });

    app.get("/api/v1/alerts/:id/history", {
      onRequest: operator,
      schema: {
        tags: ["alerts"],
        summary: "An alert's full history, in the order it happened",
        description: "Raised, acknowledged (by, note), each occurrence (the condition seen again: camera, event), resolved (by, reason, note). The alert itself carries a bounded copy.",
        params: idParams,
        response: { 200: z.object({ items: z.array(alertHistoryEntrySchema) }), 404: errorResponseSchema },
      },
    }, async (req, reply) => {
      const alert = await deps.alertsRepo.get(req.params.id);
      if (!alert || !(await alertVisibleTo(deps, req, alert))) return reply.code(404).send({ error: "not_found", message: "no such alert" });
      return { items: await deps.alertsRepo.history(req.params.id) };
    });

    /**
     * Only admins see, acknowledge and resolve system alerts, and only users whose scope holds the
     * alert's unit handle it (unit-scope.ts); to anyone else it does not exist (404, not 403: its id
     * tells nothing).
     */
    const mayHandle = async (req: FastifyRequest, id: string) => {
      const alert = await deps.alertsRepo.get(id);
      return !alert || (await alertVisibleTo(deps, req, alert));
    };

    const transitionError = (err: unknown) => {
      if (!(err instanceof AlertTransitionError)) throw err;
      return { code: err.code === "not_found" ? 404 : 409, body: { error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } } as const;
    };

    app.post("/api/v1/alerts/:id/ack", {
      onRequest: operator,
      schema: { tags: ["alerts"], summary: "Acknowledge (operator): take the alert", description: "The first acknowledgement takes it (acknowledgedBy/At). Another one gets 409 already_acknowledged, with details { acknowledgedBy, acknowledgedAt }.", params: idParams, body: alertAckBodySchema.nullish(), response: { 200: alertSchema, 404: errorResponseSchema, 409: errorResponseSchema } },
    }, async (req, reply) => {
      if (!(await mayHandle(req, req.params.id))) return reply.code(404).send({ error: "not_found", message: "no such alert" });
      try {
        const alert = await deps.alerts.acknowledge(req.params.id, req.session!.user.username, req.body?.note);
        await audit(deps, req, "alert.ack", req.params.id, req.body?.note ? { note: req.body.note } : undefined);
        return alert;
      } catch (err) {
        const e = transitionError(err);
        return reply.code(e.code).send(e.body);
      }
    });

    app.post("/api/v1/alerts/:id/assign", {
      onRequest: operator,
      schema: {
        tags: ["alerts"],
        summary: "Give an open alert to a user or a unit",
        description: "Body: exactly one of userId (a username) or unitId. Supervisors assign anyone; an operator may only take it themselves ({ userId: <own username> }). Recorded in the alert's history (kind \"assignment\").",
        params: idParams,
        body: alertAssignBodySchema,
        response: { 200: alertSchema, 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    }, async (req, reply) => {
      if (!(await mayHandle(req, req.params.id))) return reply.code(404).send({ error: "not_found", message: "no such alert" });
      const me = req.session!.user;
      const { userId, unitId } = req.body;
      if (me.role === "operator" && userId?.toLowerCase() !== me.username.toLowerCase()) {
        return reply.code(403).send({ error: "forbidden", message: "operators may only assign an alert to themselves; a supervisor assigns it to others" });
      }
      let to: { userId?: string; unitId?: string };
      if (userId !== undefined) {
        const user = await deps.users.find(userId);
        if (!user || user.disabled) return reply.code(400).send({ error: "bad_request", message: `no active user ${userId}` });
        to = { userId: user.username };
      } else {
        if (!(await deps.units.exists(unitId!))) return reply.code(400).send({ error: "bad_request", message: `no unit ${unitId}` });
        to = { unitId: unitId! };
      }
      try {
        const alert = await deps.alerts.assign(req.params.id, me.username, to);
        await audit(deps, req, "alert.assign", req.params.id, to);
        return alert;
      } catch (err) {
        const e = transitionError(err);
        return reply.code(e.code).send(e.body);
      }
    });

    app.post("/api/v1/alerts/:id/resolve", {
      onRequest: requireRole(deps.auth, "supervisor"),
      schema: {
        tags: ["alerts"],
        summary: "Resolve with a reason and a note (supervisor)",
        description: "reason (default \"other\"): true_hit, false_alarm, duplicate, test or other. A fire/smoke alert resolved as false_alarm keeps its snapshot as a hard negative for the camera's fire model.",
        params: idParams,
        body: alertResolveBodySchema,
        response: { 200: alertSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    }, async (req, reply) => {
      if (!(await mayHandle(req, req.params.id))) return reply.code(404).send({ error: "not_found", message: "no such alert" });
      try {
        const { reason, note } = req.body;
        const alert = await deps.alerts.resolve(req.params.id, req.session!.user.username, note, reason);
        await audit(deps, req, "alert.resolve", req.params.id, { reason, note });
        return alert;
      } catch (err) {
        const e = transitionError(err);
        return reply.code(e.code).send(e.body);
      }
    });
  };
}
