import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { caseExportQuerySchema, errorResponseSchema, integrityReportSchema, verifyQuerySchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { alertVisibleTo } from "../../units/unit-scope.js";
import { caseCamera } from "../../export/case-export.js";
import { replyWithCaseZip } from "../case-export-reply.js";

const idParams = z.object({ id: z.uuid() });

/** Verification (admin), the case export (signed ZIP) and the public key that checks its signature. */
export function integrityRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const operator = requireRole(deps.auth, "operator");

    app.get("/api/v1/admin/verify", {
      onRequest: requireRole(deps.auth, "admin"),
      schema: {
        tags: ["audit"],
        summary: "Checks the audit hash chain and every recorded evidence hash (what `npm run verify` prints), admin",
        querystring: verifyQuerySchema,
        response: { 200: integrityReportSchema, 503: errorResponseSchema },
      },
    }, async (req, reply) => {
      if (!deps.integrity) return reply.code(503).send({ error: "unavailable", message: "verification is not configured on this instance" });
      const report = await deps.integrity.run(req.query.scope);
      await audit(deps, req, "integrity.verify", null, { scope: report.scope, ok: report.ok, problems: report.problemsTotal, headSeq: report.audit.head.seq });
      return report;
    });

    app.get("/api/v1/export-key", {
      onRequest: operator,
      schema: {
        tags: ["alerts"],
        summary: "The Ed25519 public key (SPKI PEM) that checks case exports' manifest.sig; x-key-fingerprint: its sha256",
        response: { 200: z.string().describe("application/x-pem-file"), 503: errorResponseSchema },
      },
    }, async (_req, reply) => {
      if (!deps.caseExport) return reply.code(503).send({ error: "unavailable", message: "case export is not configured on this instance" });
      return reply.type("application/x-pem-file").header("x-key-fingerprint", deps.caseExport.key.fingerprint).send(deps.caseExport.key.publicKeyPem);
    });

    app.get("/api/v1/alerts/:id/export", {
      onRequest: operator,
      schema: {
        tags: ["alerts"],
        summary: "The case as one signed ZIP: evidence files, manifest.json (events, cameras, UTC and Vietnam times, SHA-256 of each member), audit.json, manifest.sig (Ed25519); `reason` is required and audited",
        params: idParams,
        querystring: caseExportQuerySchema,
        response: { 200: z.unknown().describe("application/zip, as an attachment"), 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema, 503: errorResponseSchema },
      },
    }, async (req, reply) => {
      if (!deps.caseExport) return reply.code(503).send({ error: "unavailable", message: "case export is not configured on this instance" });
      const alert = await deps.alertsRepo.get(req.params.id);
      if (!alert || !(await alertVisibleTo(deps, req, alert))) return reply.code(404).send({ error: "not_found", message: "no such alert" });
      // Written before a byte leaves (and so inside the export's own audit rows).
      await audit(deps, req, "alert.export", alert.id, { reason: req.query.reason });
      const [history, cameras] = await Promise.all([deps.alertsRepo.history(alert.id), deps.cameras.list()]);
      const caseExport = deps.caseExport;
      return replyWithCaseZip(deps, req, reply, {
        filename: `vigil-case-${alert.id.slice(0, 8)}-${new Date().toISOString().slice(0, 10)}.zip`,
        during: "alert.export",
        details: { alertId: alert.id },
        build: () =>
          caseExport.build({
            alert,
            history,
            cameras: cameras.map(caseCamera),
            exportedBy: req.session?.user.username ?? "",
            reason: req.query.reason,
          }),
      });
    });
  };
}
