import { INTERNAL_CAMERAS_PATH, internalCamerasResponseSchema, stripUrlCredentials, type CameraConfig, type PublishedCamera } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";

/**
 * Follows the alert service's camera list (the retained `{prefix}/config/cameras` message). The
 * message carries no credentials (issue 15, finding 3): a camera flagged `hasCredentials` gets its
 * real URL from the alert service's internal route (`fetchCameras`, token-authenticated), or —
 * without one configured — from this instance's own CAMERAS_FILE when the file has the camera at
 * the same address. A failed fetch keeps the running cameras and retries with backoff; a newer
 * message supersedes a pending retry, so only the latest list is ever applied.
 */
export interface CamerasFollowerDeps {
  apply(cameras: CameraConfig[]): Promise<unknown>;
  /** GET /api/v1/internal/cameras; absent when ALERTS_URL/INGEST_API_TOKEN are not set. */
  fetchCameras?: () => Promise<CameraConfig[]>;
  /** The cameras file as last loaded (its URLs may carry credentials). */
  fileCameras: () => readonly CameraConfig[];
  logger: Logger;
  retry?: { minMs: number; maxMs: number };
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export function createCamerasFollower(deps: CamerasFollowerDeps) {
  const retry = deps.retry ?? { minMs: 1_000, maxMs: 30_000 };
  const setTimer = deps.setTimer ?? ((fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  });
  let generation = 0;
  let timer: { cancel(): void } | null = null;
  const warnedMissing = new Set<string>();

  const strip = ({ hasCredentials: _h, ...c }: PublishedCamera): CameraConfig => c;

  /** Credentials from the cameras file, by id, where the file's URL without them is the list's URL. */
  function fromFile(list: PublishedCamera[]): CameraConfig[] {
    const file = new Map(deps.fileCameras().map((c) => [c.id, c]));
    return list.map((c) => {
      if (!c.hasCredentials) return strip(c);
      const own = file.get(c.id);
      if (own && stripUrlCredentials(own.url) === c.url) return { ...strip(c), url: own.url };
      if (!warnedMissing.has(c.id)) {
        warnedMissing.add(c.id);
        deps.logger.error({ camera: c.id }, "camera needs credentials the MQTT list does not carry: set ALERTS_URL and INGEST_API_TOKEN, or declare the camera in CAMERAS_FILE; starting it without them");
      }
      return strip(c);
    });
  }

  async function attempt(gen: number, list: PublishedCamera[], delayMs: number): Promise<void> {
    if (gen !== generation) return;
    let cameras: CameraConfig[];
    try {
      // The fetched list is the alert service's current one: at least as new as the message.
      cameras = await deps.fetchCameras!();
    } catch (err) {
      if (gen !== generation) return;
      deps.logger.warn({ err, retryInMs: delayMs }, "fetching the camera list from the alert service failed; running cameras are kept");
      timer = setTimer(() => void attempt(gen, list, Math.min(delayMs * 2, retry.maxMs)), delayMs);
      return;
    }
    if (gen !== generation) return;
    await deps.apply(cameras);
  }

  return {
    /** A decoded camera list from the topic. Resolves once it is applied (or a retry is scheduled). */
    async onList(list: PublishedCamera[]): Promise<void> {
      const gen = ++generation;
      timer?.cancel();
      timer = null;
      if (!list.some((c) => c.hasCredentials)) return void (await deps.apply(list.map(strip)));
      if (deps.fetchCameras) return attempt(gen, list, retry.minMs);
      await deps.apply(fromFile(list));
    },
    close(): void {
      generation++;
      timer?.cancel();
      timer = null;
    },
  };
}
export type CamerasFollower = ReturnType<typeof createCamerasFollower>;

/** The fetch behind `fetchCameras`: the alert service's internal route with the service token. */
export function internalCamerasFetcher(opts: { alertsUrl: string; token: string; timeoutMs?: number; fetch?: typeof fetch }) {
  return async (): Promise<CameraConfig[]> => {
    const res = await (opts.fetch ?? fetch)(new URL(INTERNAL_CAMERAS_PATH, opts.alertsUrl), {
      headers: { authorization: `Bearer ${opts.token}`, accept: "application/json" },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new Error(`GET ${INTERNAL_CAMERAS_PATH}: HTTP ${res.status}${res.status === 401 ? " (INGEST_API_TOKEN differs from the alert service's)" : ""}`);
    const parsed = internalCamerasResponseSchema.safeParse(await res.json());
    if (!parsed.success) throw new Error(`GET ${INTERNAL_CAMERAS_PATH}: unexpected reply: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return parsed.data.cameras;
  };
}
