import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { cameraConfigSchema, cameraId, cameraPatchSchema, cameraViewSchema, errorResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { CameraConflictError } from "../../cameras/camera-service.js";
import { cameraUnitOf, requestScope } from "../../units/unit-scope.js";

const idParams = z.object({ id: cameraId });
// POST /cameras/{id}: the id comes from the path (a body id, if any, must agree).
const createBody = cameraConfigSchema.omit({ id: true }).extend({ id: cameraId.optional() }).strict();

export function cameraRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const viewer = requireRole(deps.auth, "operator");
    const admin = requireRole(deps.auth, "admin");

    app.get("/api/v1/cameras", {
      onRequest: viewer,
      schema: { tags: ["cameras"], summary: "Cameras with live status (URL credentials redacted)", response: { 200: z.object({ items: z.array(cameraViewSchema) }) } },
    }, async (req) => {
      const scope = await requestScope(deps, req);
      return { items: (await deps.cameras.list()).filter((c) => scope.has(cameraUnitOf(c))) };
    });

    app.get("/api/v1/cameras/:id", {
      onRequest: viewer,
      schema: { tags: ["cameras"], params: idParams, response: { 200: cameraViewSchema, 404: errorResponseSchema } },
    }, async (req, reply) => {
      const cam = await deps.cameras.get(req.params.id);
      // Another unit's camera does not exist for this user.
      if (!cam || !(await requestScope(deps, req)).has(cameraUnitOf(cam))) return reply.code(404).send({ error: "not_found", message: `no camera "${req.params.id}"` });
      return cam;
    });
    /** A camera's unit must exist (the schema checks only its spelling). */
    const unknownUnit = async (unitId: string | undefined) => (unitId !== undefined && !(await deps.units.exists(unitId)) ? { error: "unknown_unit", message: `no unit "${unitId}"` } : null);

    const create = async (id: string, body: z.output<typeof createBody>, req: Parameters<typeof audit>[1]) => {
      const { id: _bodyId, ...rest } = body;
      const cam = await deps.cameras.create(cameraConfigSchema.parse({ ...rest, id }));
      await audit(deps, req, "camera.create", id, { name: cam.name, url: cam.url });
      return cam;
    };
    const conflict = (err: unknown) => err instanceof CameraConflictError;

    app.post("/api/v1/cameras", {
      onRequest: admin,
      schema: { tags: ["cameras"], summary: "Add a camera (admin); pushed to ingest", body: cameraConfigSchema, response: { 201: cameraViewSchema, 400: errorResponseSchema, 409: errorResponseSchema } },
    }, async (req, reply) => {
      const badUnit = await unknownUnit(req.body.unitId);
      if (badUnit) return reply.code(400).send(badUnit);
      try {
        return reply.code(201).send(await create(req.body.id, req.body, req));
      } catch (err) {
        if (conflict(err)) return reply.code(409).send({ error: "conflict", message: (err as Error).message });
        throw err;
      }
    });

    app.post("/api/v1/cameras/:id", {
      onRequest: admin,
      schema: { tags: ["cameras"], summary: "Add a camera with this id (admin); pushed to ingest", params: idParams, body: createBody, response: { 201: cameraViewSchema, 400: errorResponseSchema, 409: errorResponseSchema } },
    }, async (req, reply) => {
      if (req.body.id && req.body.id !== req.params.id) return reply.code(400).send({ error: "bad_request", message: "body id differs from the path id" });
      const badUnit = await unknownUnit(req.body.unitId);
      if (badUnit) return reply.code(400).send(badUnit);
      try {
        return reply.code(201).send(await create(req.params.id, req.body, req));
      } catch (err) {
        if (conflict(err)) return reply.code(409).send({ error: "conflict", message: (err as Error).message });
        throw err;
      }
    });

    app.patch("/api/v1/cameras/:id", {
      onRequest: admin,
      schema: { tags: ["cameras"], summary: "Change a camera (admin); pushed to ingest", params: idParams, body: cameraPatchSchema, response: { 200: cameraViewSchema, 400: errorResponseSchema, 404: errorResponseSchema } },
    }, async (req, reply) => {
      const badUnit = await unknownUnit(req.body.unitId);
      if (badUnit) return reply.code(400).send(badUnit);
      const cam = await deps.cameras.patch(req.params.id, req.body);
      if (!cam) return reply.code(404).send({ error: "not_found", message: `no camera "${req.params.id}"` });
      await audit(deps, req, "camera.update", req.params.id, { fields: Object.keys(req.body) });
      return cam;
    });

    app.delete("/api/v1/cameras/:id", {
      onRequest: admin,
      schema: { tags: ["cameras"], summary: "Remove a camera (admin)", params: idParams, response: { 204: z.null(), 404: errorResponseSchema } },
    }, async (req, reply) => {
      if (!(await deps.cameras.remove(req.params.id))) return reply.code(404).send({ error: "not_found", message: `no camera "${req.params.id}"` });
      await audit(deps, req, "camera.delete", req.params.id);
      return reply.code(204).send(null);
    });
  };
}
