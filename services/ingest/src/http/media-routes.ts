import { createHash, timingSafeEqual } from "node:crypto";
import { PassThrough } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { clipRequestSchema, clipResponseSchema, clipUnavailableSchema, INGEST_CLIPS_PATH, INGEST_LIVE_ROUTE, LIVE_CODEC_HEADER, liveParamsSchema } from "@vigil/contracts";
import type { Ingest } from "../ingest.js";

export interface MediaRoutesDeps {
  ingest: Pick<Ingest, "liveHub" | "clips">;
  /** INGEST_API_TOKEN: only the alert service may pull video or cut clips. */
  token: string;
  /** How long a live request waits for a camera that is just starting (default 5 s). */
  readyTimeoutMs?: number;
}

/** A viewer further behind than this is disconnected (its console reconnects at the live edge). */
const MAX_VIEWER_BACKLOG = 8 * 1024 * 1024;

const errorBody = z.object({ error: z.string(), message: z.string() });

function tokenMatches(expected: string, given: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * Ingest's internal media routes, for the alert service only (service token, never a browser):
 * `GET /internal/v1/cameras/{id}/live` streams the camera as fragmented MP4 from the camera's one
 * pull; `POST /internal/v1/clips` cuts an event clip and answers when it is written.
 */
export function mediaRoutes(deps: MediaRoutesDeps): FastifyPluginAsyncZod {
  const requireToken = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!m || !tokenMatches(deps.token, m[1]!)) return void reply.code(401).send({ error: "unauthorized", message: "this route needs the service token (INGEST_API_TOKEN)" });
  };
  return async (app) => {
    app.get(INGEST_LIVE_ROUTE, {
      onRequest: requireToken,
      schema: { hide: true, params: liveParamsSchema, response: { 401: errorBody, 403: errorBody, 404: errorBody, 429: errorBody, 503: errorBody } },
    }, async (req, reply) => {
      const hub = deps.ingest.liveHub(req.params.id);
      if (hub === undefined) return reply.code(404).send({ error: "not_here", message: `camera ${req.params.id} is not run by this ingest` });
      if (hub === null) return reply.code(403).send({ error: "live_view_off", message: `live view is off for camera ${req.params.id}` });
      if (!(await hub.whenReady(deps.readyTimeoutMs ?? 5_000))) return reply.code(503).send({ error: "no_video", message: "the camera is not delivering video" });
      const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
      let viewer: { close(): void } | null = null;
      const close = () => {
        viewer?.close();
        viewer = null;
        stream.destroy();
      };
      const result = hub.subscribe({
        write(data) {
          if (stream.destroyed) return false;
          if (stream.writableLength > MAX_VIEWER_BACKLOG) {
            close();
            return false;
          }
          return stream.write(data);
        },
        end: () => stream.end(),
      });
      if (!result.ok) {
        stream.destroy();
        return result.reason === "full"
          ? reply.code(429).send({ error: "too_many_viewers", message: `camera ${req.params.id} has as many live viewers as it may` })
          : reply.code(503).send({ error: "no_video", message: "the camera is not delivering video" });
      }
      viewer = result.viewer;
      // The viewer left (tab closed, panel closed, the alert service's proxy aborted): nothing is left
      // behind. The response's close, not the request's: that one fires once a GET has been read.
      reply.raw.once("close", close);
      void reply
        .header("content-type", "video/mp4")
        .header("cache-control", "no-store")
        // An endless response: its connection is never reused for another request.
        .header("connection", "close")
        .header(LIVE_CODEC_HEADER, result.viewer.codec ?? "");
      // A byte stream, not JSON: no response schema applies to the 200.
      return reply.send(stream as never);
    });

    app.post(INGEST_CLIPS_PATH, {
      onRequest: requireToken,
      schema: { hide: true, body: clipRequestSchema, response: { 200: clipResponseSchema, 400: clipUnavailableSchema, 401: errorBody, 404: clipUnavailableSchema, 409: clipUnavailableSchema, 500: clipUnavailableSchema, 503: clipUnavailableSchema } },
    }, async (req, reply) => {
      const clips = deps.ingest.clips;
      if (!clips) return reply.code(503).send({ error: "disabled", message: "this ingest keeps no video (no media directory)" });
      const outcome = await clips.request(req.body);
      if (outcome.ok) return outcome.clip;
      const code = ({ not_here: 404, no_video: 404, disabled: 409, bad_request: 400, failed: 500 } as const)[outcome.error.error];
      return reply.code(code).send(outcome.error);
    });
  };
}
