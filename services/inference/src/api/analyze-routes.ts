import { ANALYZE_CONTENT_TYPES, ANALYZE_MAX_BYTES, analyzeResponseSchema, type AnalyzeResponse } from "@vigil/contracts";
import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ImageDecodeError } from "../image/rgb-image.js";
import type { InferenceMetrics } from "../metrics.js";

const errorSchema = z.object({ error: z.string(), message: z.string() });

export interface AnalyzeRoutesOptions {
  analyze: (image: Buffer) => Promise<AnalyzeResponse>;
  metrics: InferenceMetrics;
}

/**
 * POST /api/v1/analyze: one image in, plates and fire out (a snapshot API for mobile patrols and
 * other systems). The body is the raw image; content type and size are checked before any decoding.
 */
export const analyzeRoutes: FastifyPluginAsync<AnalyzeRoutesOptions> = async (app, opts) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const type of ANALYZE_CONTENT_TYPES) {
    app.addContentTypeParser(type, { parseAs: "buffer", bodyLimit: ANALYZE_MAX_BYTES }, (_req, body, done) => done(null, body));
  }

  typed.route({
    method: "POST",
    url: "/api/v1/analyze",
    bodyLimit: ANALYZE_MAX_BYTES,
    schema: {
      description:
        "Detects and reads licence plates (and fire/smoke) in one JPEG or PNG image. Only readings that are valid Vietnamese plates are returned unless `candidates=true`, which adds the rest (valid: false) for review.",
      querystring: z.object({ candidates: z.enum(["true", "false"]).default("false") }),
      response: { 200: analyzeResponseSchema, 400: errorSchema, 415: errorSchema },
    },
    handler: async (req, reply) => {
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (!(ANALYZE_CONTENT_TYPES as readonly string[]).includes(type) || !Buffer.isBuffer(req.body)) {
        opts.metrics.analyzeRequests.inc({ status: "415" });
        return reply.code(415).send({ error: "Unsupported Media Type", message: `send the image as the body with Content-Type ${ANALYZE_CONTENT_TYPES.join(" or ")}` });
      }
      if (req.body.length === 0) {
        opts.metrics.analyzeRequests.inc({ status: "400" });
        return reply.code(400).send({ error: "Bad Request", message: "the body is empty; send a JPEG or PNG image" });
      }
      try {
        const result = await opts.analyze(req.body);
        opts.metrics.analyzeRequests.inc({ status: "200" });
        // A low-confidence read outside the plate grammar (e.g. "LURRA100" at 0.08) is noise to a client
        // that asked "which plates are in this picture"; it is there for whoever asks for candidates.
        return req.query.candidates === "true" ? result : { ...result, plates: result.plates.filter((p) => p.valid !== false) };
      } catch (err) {
        if (err instanceof ImageDecodeError) {
          opts.metrics.analyzeRequests.inc({ status: "400" });
          return reply.code(400).send({ error: "Bad Request", message: `the body is not a readable ${type} image (${err.message})` });
        }
        throw err;
      }
    },
  });
};
