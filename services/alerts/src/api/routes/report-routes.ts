import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, ROOT_UNIT_ID, shiftReportQuerySchema, shiftReportResponseSchema } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import type { RouteDeps } from "../route-deps.js";
import type { ShiftReportRepository } from "../../storage/shift-report-repository.js";
import { buildShiftReport, reportUnits, reportWindow } from "../../reports/shift-report.js";
import { requestScope } from "../../units/unit-scope.js";

/** Shift figures for duty chiefs (#18 item 4): supervisors and admins, for units of their scope only. */
export function reportRoutes(deps: RouteDeps, reports: ShiftReportRepository, now: () => number = Date.now): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/reports/shift", {
      onRequest: requireRole(deps.auth, "supervisor"),
      schema: {
        tags: ["reports"],
        summary: "A unit's shift report: alerts raised, time to acknowledge and to resolve (p50/p95), false-alarm share, escalations; by type, severity and unit below",
        description:
          "Alerts raised in [from, to), or in a named shift of a day in Vietnam time (date=YYYY-MM-DD, shift=06-14|14-22|22-06; the night shift ends at 06:00 of the next day); " +
          "neither: the shift running now. At the unit and the units below it; unitId absent: the user's own unit. Durations in seconds. 403: a unit outside the user's scope.",
        querystring: shiftReportQuerySchema,
        response: { 200: shiftReportResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    }, async (req, reply) => {
      const user = req.session!.user;
      const unitId = req.query.unitId ?? user.unitId ?? ROOT_UNIT_ID;
      // Out of scope before unknown: a 404 would tell a district which unit ids exist elsewhere.
      const scope = await requestScope(deps, req);
      if (!scope.has(unitId)) return reply.code(403).send({ error: "forbidden", message: "that unit is outside your scope" });
      if (!(await deps.units.exists(unitId))) return reply.code(404).send({ error: "not_found", message: `no unit "${unitId}"` });
      const tree = await deps.units.tree();
      const window = reportWindow(req.query, now());
      const alerts = await reports.alerts(reportUnits(tree, unitId), window.from, window.to);
      return buildShiftReport({ tree, unitId, window, alerts });
    });
  };
}
