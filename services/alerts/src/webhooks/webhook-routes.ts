import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  errorResponseSchema,
  webhookCreateBodySchema,
  webhookCreatedResponseSchema,
  webhookDeliveryListQuerySchema,
  webhookDeliveryListResponseSchema,
  webhookDeliverySchema,
  webhookListResponseSchema,
} from "@vigil/contracts";
import { requireRole } from "../api/auth-hooks.js";
import { audit, type RouteDeps } from "../api/route-deps.js";
import type { WebhookService } from "./webhook-service.js";
import { safeUrl } from "./webhook-sender.js";

const idParams = z.object({ id: z.uuid() });

/** Admin API of outbound webhooks and their dead-letter list. */
export function webhookRoutes(deps: RouteDeps, webhooks: WebhookService): FastifyPluginAsyncZod {
  return async (app) => {
    const admin = requireRole(deps.auth, "admin");

    app.get("/api/v1/webhooks", {
      onRequest: admin,
      schema: { tags: ["webhooks"], summary: "Outbound webhooks (admin); secrets are never shown again", response: { 200: webhookListResponseSchema } },
    }, async () => ({ items: await webhooks.list() }));

    app.post("/api/v1/webhooks", {
      onRequest: admin,
      schema: {
        tags: ["webhooks"],
        summary: "Add a webhook (admin)",
        description:
          "Alerts of `unitId` (and below; absent: all) and of `types` (absent: all but system) are POSTed as JSON on each of `events` (absent: all). " +
          "Each call is signed: X-Vigil-Signature: sha256=<hex HMAC-SHA256 of \"<X-Vigil-Timestamp>.<raw body>\" with the secret>. " +
          "The secret (given, or generated) is in this response only. Failed calls are retried with exponential backoff, then listed under GET /api/v1/webhooks/deliveries?state=failed.",
        body: webhookCreateBodySchema,
        response: { 201: webhookCreatedResponseSchema, 400: errorResponseSchema },
      },
    }, async (req, reply) => {
      if (req.body.unitId && !(await deps.units.exists(req.body.unitId))) return reply.code(400).send({ error: "bad_request", message: `no unit ${req.body.unitId}` });
      const created = await webhooks.create(req.body, req.session!.user.username);
      // The URL's query may hold a chat bot's token: the audit log keeps its host and path only.
      await audit(deps, req, "webhook.create", created.webhook.id, { url: safeUrl(created.webhook.url), unitId: created.webhook.unitId ?? null, types: created.webhook.types, events: created.webhook.events });
      return reply.code(201).send(created);
    });

    app.delete("/api/v1/webhooks/:id", {
      onRequest: admin,
      schema: { tags: ["webhooks"], summary: "Remove a webhook and its queue (admin)", params: idParams, response: { 204: z.null(), 404: errorResponseSchema } },
    }, async (req, reply) => {
      if (!(await webhooks.delete(req.params.id))) return reply.code(404).send({ error: "not_found", message: "no such webhook" });
      await audit(deps, req, "webhook.delete", req.params.id);
      return reply.code(204).send(null);
    });

    app.get("/api/v1/webhooks/deliveries", {
      onRequest: admin,
      schema: {
        tags: ["webhooks"],
        summary: "Webhook deliveries, newest first (admin); state=failed is the dead-letter list",
        querystring: webhookDeliveryListQuerySchema,
        response: { 200: webhookDeliveryListResponseSchema },
      },
    }, async (req) => ({ items: await webhooks.deliveries(req.query) }));

    app.post("/api/v1/webhooks/deliveries/:id/retry", {
      onRequest: admin,
      schema: { tags: ["webhooks"], summary: "Send a dead letter again: a fresh series of tries (admin)", params: idParams, response: { 200: webhookDeliverySchema, 404: errorResponseSchema } },
    }, async (req, reply) => {
      const d = await webhooks.retry(req.params.id);
      if (!d) return reply.code(404).send({ error: "not_found", message: "no failed delivery with this id" });
      await audit(deps, req, "webhook.retry", req.params.id, { webhookId: d.webhookId, alertId: d.alertId });
      return d;
    });
  };
}
