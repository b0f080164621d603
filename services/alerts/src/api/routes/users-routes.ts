import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  createUserBodySchema,
  errorResponseSchema,
  userListResponseSchema,
  usernameParamsSchema,
  userPatchResponseSchema,
  userPatchSchema,
  userSessionsRevokedResponseSchema,
  userViewSchema,
} from "@vigil/contracts";
import type { AccountFailure } from "../../auth/auth-service.js";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";

const refused = (reply: FastifyReply, f: AccountFailure) => reply.code(f.status).send({ error: f.error, message: f.message });

/** Accounts (admin only): list, create, change role, disable, reset a password, end sessions. Every change is audited; passwords never are. */
export function usersRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const admin = requireRole(deps.auth, "admin");

    app.get("/api/v1/users", {
      onRequest: admin,
      schema: { tags: ["users"], summary: "List users (admin)", response: { 200: userListResponseSchema } },
    }, async () => ({ items: await deps.users.list() }));

    app.post("/api/v1/users", {
      onRequest: admin,
      schema: {
        tags: ["users"],
        summary: "Create a user (admin); the password must pass the policy (10+ characters, not common, not the username)",
        body: createUserBodySchema,
        response: { 201: userViewSchema, 400: errorResponseSchema, 409: errorResponseSchema },
      },
    }, async (req, reply) => {
      const { username, password, role, unitId } = req.body;
      if (unitId !== undefined && !(await deps.units.exists(unitId))) return reply.code(400).send({ error: "unknown_unit", message: `no unit "${unitId}"` });
      const result = await deps.auth.createUser(username, password, role, req.session!.user.username, unitId);
      if (!result.ok) return refused(reply, result);
      await audit(deps, req, "user.create", result.user.username, { role, unitId: result.user.unitId });
      return reply.code(201).send(result.user);
    });

    app.patch("/api/v1/users/:username", {
      onRequest: admin,
      schema: {
        tags: ["users"],
        summary: "Change a user's role or unit, disable/enable them, or reset their password (admin); disabling, a reset, a demotion or another unit ends their sessions",
        params: usernameParamsSchema,
        body: userPatchSchema,
        response: { 200: userPatchResponseSchema, 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    }, async (req, reply) => {
      if (req.body.unitId !== undefined && !(await deps.units.exists(req.body.unitId))) return reply.code(400).send({ error: "unknown_unit", message: `no unit "${req.body.unitId}"` });
      const result = await deps.auth.updateUser({ username: req.session!.user.username, tokenHash: req.session!.tokenHash }, req.params.username, req.body);
      if (!result.ok) return refused(reply, result);
      await audit(deps, req, "user.update", result.user.username, { ...result.changes, sessionsRevoked: result.sessionsRevoked });
      return { user: result.user, sessionsRevoked: result.sessionsRevoked };
    });

    app.delete("/api/v1/users/:username/sessions", {
      onRequest: admin,
      schema: {
        tags: ["users"],
        summary: "End every session of a user, their open sockets included (admin)",
        params: usernameParamsSchema,
        response: { 200: userSessionsRevokedResponseSchema, 404: errorResponseSchema },
      },
    }, async (req, reply) => {
      const result = await deps.auth.revokeSessions(req.params.username);
      if (!result.ok) return refused(reply, result);
      await audit(deps, req, "user.sessions_revoked", result.username, { count: result.revoked });
      return { username: result.username, revoked: result.revoked };
    });
  };
}
