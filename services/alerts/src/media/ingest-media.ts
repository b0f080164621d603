import { clipResponseSchema, clipUnavailableSchema, INGEST_CLIPS_PATH, ingestLivePath, shardForCamera, type ClipRequest, type ClipResponse, type ClipUnavailable } from "@vigil/contracts";

/** Why no clip came back: ingest's own reasons, or `unreachable` (no answer, or an answer that is not one). */
export type IngestClipError = ClipUnavailable["error"] | "unreachable";
export type IngestClipOutcome = { ok: true; clip: ClipResponse } | { ok: false; error: IngestClipError; message: string };

export interface IngestMediaClient {
  /** Whether an ingest address is known (INGEST_URL, or npm start's in-process ingest once it listens). */
  configured(): boolean;
  /**
   * Opens the camera's live stream at its ingest (fragmented MP4, chunked). The caller reads or
   * cancels the body; aborting `signal` ends ingest's side too. Throws when ingest does not answer.
   */
  openLive(cameraId: string, signal: AbortSignal): Promise<Response>;
  /** Asks ingest for an event clip; answered once it is written (some seconds after the event's end). Never throws. */
  requestClip(req: ClipRequest): Promise<IngestClipOutcome>;
}

export interface IngestMediaClientOptions {
  /** Ingest base URLs, one per shard in shard order (a camera's shard picks its URL). */
  urls: () => string[];
  /** INGEST_API_TOKEN: ingest's media routes take nothing else. */
  token: string;
  fetch?: typeof fetch;
  /** How long to wait for a live stream's headers (ingest waits up to 5 s for a starting camera). Default 10 s. */
  liveHeadersTimeoutMs?: number;
  /** How long a clip request may take (its end is 10 s after the event; remuxing takes a moment). Default 40 s. */
  clipTimeoutMs?: number;
}

/**
 * The alert service's side of ingest's internal media routes (#17). Browsers never reach ingest:
 * the live route proxies this stream after checking the viewer's session and unit, so camera URLs
 * and credentials stay in ingest.
 */
export function createIngestMediaClient(o: IngestMediaClientOptions): IngestMediaClient {
  const doFetch = o.fetch ?? fetch;
  const auth = { authorization: `Bearer ${o.token}` };
  const baseFor = (cameraId: string): string | null => {
    const urls = o.urls();
    if (!urls.length) return null;
    return urls[urls.length === 1 ? 0 : shardForCamera(cameraId, urls.length)]!.replace(/\/+$/, "");
  };

  return {
    configured: () => o.urls().length > 0,

    async openLive(cameraId, signal) {
      const base = baseFor(cameraId);
      if (!base) throw new Error("no ingest address (INGEST_URL)");
      const abort = new AbortController();
      const onAbort = () => abort.abort();
      if (signal.aborted) abort.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      // Only the wait for the headers is bounded: the body is a stream for as long as the viewer watches.
      const timer = setTimeout(() => abort.abort(), o.liveHeadersTimeoutMs ?? 10_000);
      try {
        return await doFetch(`${base}${ingestLivePath(cameraId)}`, { headers: auth, signal: abort.signal });
      } finally {
        clearTimeout(timer);
      }
    },

    async requestClip(req) {
      const base = baseFor(req.cameraId);
      if (!base) return { ok: false, error: "unreachable", message: "no ingest address (INGEST_URL)" };
      let res: Response;
      try {
        res = await doFetch(`${base}${INGEST_CLIPS_PATH}`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(req),
          signal: AbortSignal.timeout(o.clipTimeoutMs ?? 40_000),
        });
      } catch (err) {
        return { ok: false, error: "unreachable", message: `ingest did not answer: ${(err as Error).message}` };
      }
      const body: unknown = await res.json().catch(() => null);
      if (res.ok) {
        const clip = clipResponseSchema.safeParse(body);
        return clip.success ? { ok: true, clip: clip.data } : { ok: false, error: "unreachable", message: "ingest's clip answer is not a clip" };
      }
      const refusal = clipUnavailableSchema.safeParse(body);
      return refusal.success ? { ok: false, error: refusal.data.error, message: refusal.data.message } : { ok: false, error: "unreachable", message: `ingest answered ${res.status}` };
    },
  };
}
