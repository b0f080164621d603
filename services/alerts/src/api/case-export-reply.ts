import type { FastifyReply, FastifyRequest } from "fastify";
import { EvidenceTamperedError } from "../export/case-export.js";
import { audit, type RouteDeps } from "./route-deps.js";

/**
 * Sends a built case ZIP as an attachment. Evidence whose bytes changed since it was written stops the
 * export: counted, audited (`evidence.tampered`, with what was being exported) and answered 409, so
 * nothing unsigned-for leaves and the operator learns which file.
 */
export async function replyWithCaseZip(
  deps: RouteDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  c: { filename: string; during: string; details: Record<string, unknown>; build: () => Promise<{ zip: Uint8Array }> },
) {
  try {
    const { zip } = await c.build();
    return reply
      .type("application/zip")
      .header("content-disposition", `attachment; filename="${c.filename}"`)
      .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
  } catch (err) {
    if (!(err instanceof EvidenceTamperedError)) throw err;
    deps.metrics.evidenceTampered.inc();
    await audit(deps, req, "evidence.tampered", err.path, { expectedSha256: err.expected, actualSha256: err.actual, during: c.during, ...c.details });
    return reply.code(409).send({ error: "evidence_tampered", message: `${err.message}; the case is not exported`, details: { path: err.path, expectedSha256: err.expected, actualSha256: err.actual } });
  }
}
