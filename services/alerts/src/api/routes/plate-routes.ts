import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, PLATE_EXPORT_MAX_ROWS, plateExportQuerySchema, plateSearchQuerySchema, plateSearchResponseSchema, plateTrackQuerySchema, plateTrackResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { decodeCursor } from "../../storage/plate-reads-repository.js";
import { toPlateKey } from "../../watchlist/plate-keys.js";
import { requestScope } from "../../units/unit-scope.js";
import { exportFilename, mediaBaseUrl, plateExportCsv } from "../plate-export.js";

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
        units: (await requestScope(deps, req)).units,
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

    app.get("/api/v1/plates/export", {
      onRequest: viewer,
      schema: {
        tags: ["plates"],
        summary: `The search's results as CSV (every match up to ${PLATE_EXPORT_MAX_ROWS} rows, newest first; x-export-truncated: true when cut), with absolute links to the evidence; \`reason\` is required and the export is written to the audit log with its filter and row count`,
        querystring: plateExportQuerySchema,
        response: { 200: z.string().describe("text/csv; charset=utf-8, as an attachment"), 400: errorResponseSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      if (q.q !== undefined && toPlateKey(q.q).length === 0) return reply.code(400).send({ error: "bad_request", message: "q must contain letters or digits" });
      if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) return reply.code(400).send({ error: "bad_request", message: "from is after to" });
      const scope = await requestScope(deps, req);
      const [found, cameras] = await Promise.all([
        deps.plateReads.search({
          units: scope.units,
          ...(q.q !== undefined ? { q: q.q } : {}),
          match: q.match,
          limit: PLATE_EXPORT_MAX_ROWS,
          fuzzyThreshold: deps.fuzzyThreshold,
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
          ...(q.cameraId ? { cameraId: q.cameraId } : {}),
        }),
        deps.cameras.list(),
      ]);
      const truncated = found.nextCursor !== null;
      // Written before a byte leaves: an export nobody can account for must not happen.
      await audit(deps, req, "plates.export", q.q ?? null, { reason: q.reason, match: q.match, from: q.from, to: q.to, cameraId: q.cameraId, rows: found.items.length, truncated });
      const names = new Map(cameras.map((c) => [c.id, c.name]));
      const csv = plateExportCsv(found.items, { lang: q.lang, cameraName: (id) => names.get(id) ?? "", mediaBase: mediaBaseUrl(deps.publicBaseUrl, req) });
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${exportFilename(q.q, Date.now())}"`)
        .header("x-export-rows", String(found.items.length))
        .header("x-export-truncated", String(truncated))
        .send(csv);
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
      const t = await deps.plateReads.track(key, req.query.from, req.query.to, (await requestScope(deps, req)).units);
      return { plate: t.plate, display: t.display ?? key, points: t.points };
    });
  };
}
