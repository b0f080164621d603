import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { cameraId, errorResponseSchema, LIVE_CODEC_HEADER } from "@vigil/contracts";
import { requireRole } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";
import { cameraUnitOf, requestScope } from "../../units/unit-scope.js";
import type { IngestMediaClient } from "../../media/ingest-media.js";

const idParams = z.object({ id: cameraId });

/** What ingest's refusal means for the viewer. */
const UPSTREAM: Record<number, { code: 403 | 429 | 503; error: string; message: string }> = {
  403: { code: 403, error: "live_view_off", message: "live view is off for this camera" },
  404: { code: 503, error: "camera_not_running", message: "the camera is not running (disabled, or not started yet)" },
  429: { code: 429, error: "too_many_viewers", message: "this camera has as many live viewers as it may; close another view" },
  503: { code: 503, error: "no_video", message: "the camera is not delivering video" },
};

/**
 * `GET /api/v1/cameras/{id}/live` (SPEC "Additions"): the camera's live video for the console's
 * player, as fragmented MP4 (`video/mp4`, chunked; the init segment first, then a fragment every
 * 200 ms and at each keyframe) of the camera's own H.264, never transcoded; its codec string for
 * MediaSource in `x-vigil-codec`. It comes from ingest's single pull of the camera, so the camera
 * URL and its credentials never reach the browser. Session required; another unit's camera is 404.
 */
export function liveRoutes(deps: RouteDeps & { ingestMedia?: IngestMediaClient }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/cameras/:id/live", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: {
        tags: ["cameras"],
        summary: "Live video of a camera: fragmented MP4 of its H.264 (no transcoding), codec in x-vigil-codec",
        params: idParams,
        response: { 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 429: errorResponseSchema, 502: errorResponseSchema, 503: errorResponseSchema },
      },
    }, async (req, reply) => {
      const cam = await deps.cameras.get(req.params.id);
      if (!cam || !(await requestScope(deps, req)).has(cameraUnitOf(cam))) return reply.code(404).send({ error: "not_found", message: `no camera "${req.params.id}"` });
      if (cam.liveView === false) return reply.code(403).send(UPSTREAM[403]!);
      if (!deps.ingestMedia?.configured()) return reply.code(503).send({ error: "live_view_unavailable", message: "live view needs the ingest service's address (INGEST_URL) and INGEST_API_TOKEN" });
      const abort = new AbortController();
      // The viewer left (panel closed, tab gone): ingest's side goes with it.
      reply.raw.once("close", () => abort.abort());
      let upstream: Response;
      try {
        upstream = await deps.ingestMedia.openLive(cam.id, abort.signal);
      } catch (err) {
        req.log.warn({ err, camera: cam.id }, "live view: ingest unreachable");
        return reply.code(502).send({ error: "ingest_unreachable", message: "the ingest service did not answer" });
      }
      if (!upstream.ok || !upstream.body) {
        await upstream.body?.cancel().catch(() => undefined);
        const refusal = UPSTREAM[upstream.status] ?? { code: 503 as const, error: "no_video", message: `ingest answered ${upstream.status}` };
        return reply.code(refusal.code).send({ error: refusal.error, message: refusal.message });
      }
      await audit(deps, req, "camera.live_view", cam.id);
      const body = Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>);
      body.on("error", () => undefined); // an abort when the viewer leaves
      void reply
        .header("content-type", "video/mp4")
        .header("cache-control", "no-store")
        // An endless response: its connection is never reused for another request.
        .header("connection", "close")
        .header(LIVE_CODEC_HEADER, upstream.headers.get(LIVE_CODEC_HEADER) ?? "");
      return reply.send(body as never);
    });
  };
}
