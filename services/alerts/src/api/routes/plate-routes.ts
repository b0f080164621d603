import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, PLATE_EXPORT_MAX_ROWS, plateExportQuerySchema, plateSearchQuerySchema, plateSearchResponseSchema, plateTrackQuerySchema, plateTrackResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { decodeCursor } from "../../storage/plate-reads-repository.js";
import { toPlateKey } from "../../watchlist/plate-keys.js";
import { requestScope } from "../../units/unit-scope.js";
import { exportFilename, mediaBaseUrl, plateExportCsv } from "../plate-export.js";
import { replyWithCaseZip } from "../case-export-reply.js";
import { caseCamera } from "../../export/case-export.js";

/**
 * Most reads one track case export packs (their pictures are read into memory to be zipped and signed);
 * a longer track is refused with a request to narrow from/to rather than exported incomplete.
 */
export const TRACK_EXPORT_MAX_READS = 1000;

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

    app.get("/api/v1/plates/:plate/track/export", {
      onRequest: viewer,
      schema: {
        tags: ["plates"],
        summary: `The track as one signed case ZIP: every read (camera, UTC and Vietnam time, plate, confidence, evidence with SHA-256) in manifest.json, the snapshots and crops, audit.json (this export's row), manifest.sig (Ed25519); the same window, reason rule and unit scope as the track; at most ${TRACK_EXPORT_MAX_READS} reads; audited as plates.track_export`,
        params: z.object({ plate: z.string().min(1).max(20) }),
        querystring: plateTrackQuerySchema,
        response: { 200: z.unknown().describe("application/zip, as an attachment"), 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema, 503: errorResponseSchema },
      },
    }, async (req, reply) => {
      if (!deps.caseExport) return reply.code(503).send({ error: "unavailable", message: "case export is not configured on this instance" });
      const key = toPlateKey(req.params.plate);
      if (key.length < 4) return reply.code(400).send({ error: "bad_request", message: "not a plate" });
      const { from, to, reason } = req.query;
      if (from && to && Date.parse(from) > Date.parse(to)) return reply.code(400).send({ error: "bad_request", message: "from is after to" });
      const reads = await deps.plateReads.trackReads(key, from, to, (await requestScope(deps, req)).units);
      // Nothing in the user's units: the same answer as a plate never read, so the export reveals nothing.
      if (!reads.length) return reply.code(404).send({ error: "not_found", message: "no reads of this plate in this window" });
      if (reads.length > TRACK_EXPORT_MAX_READS) return reply.code(400).send({ error: "bad_request", message: `the track has ${reads.length >= 5000 ? "5000 or more" : reads.length} reads; narrow from/to to at most ${TRACK_EXPORT_MAX_READS}` });
      const exportId = crypto.randomUUID();
      const now = new Date();
      // Written before a byte leaves; the exportId lets the export find (and carry) this row.
      await audit(deps, req, "plates.track_export", key, { reason, from, to, reads: reads.length, exportId });
      const [cameras, caseExport] = [await deps.cameras.list(), deps.caseExport];
      const display = reads.at(-1)?.display ?? key;
      return replyWithCaseZip(deps, req, reply, {
        filename: `vigil-track-${key}-${now.toISOString().slice(0, 10)}.zip`,
        during: "plates.track_export",
        details: { plate: key, exportId },
        build: () =>
          caseExport.buildTrack({
            plate: key,
            display,
            ...(from ? { from } : {}),
            ...(to ? { to } : {}),
            reads,
            cameras: cameras.map(caseCamera),
            exportId,
            exportedBy: req.session?.user.username ?? "",
            reason,
            now,
          }),
      });
    });
  };
}
