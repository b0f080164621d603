import { CLIP_AFTER_MS, type Alert, type AlertType } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { IngestClipError, IngestMediaClient } from "./ingest-media.js";

/** What became of an alert's clip (vigil_alerts_clips_total{result}). */
export type ClipAttachResult = "written" | IngestClipError | "too_old";

/** A plate read that raised an alert, and fire/smoke: what an operator wants to see moving. */
const CLIP_TYPES = new Set<AlertType>(["watchlist_hit", "fire", "smoke"]);

export interface ClipAttacherDeps {
  ingest: Pick<IngestMediaClient, "requestClip">;
  /** The camera's `clips` setting (default on). */
  clipsOn(cameraId: string): Promise<boolean>;
  /** Records the clip's SHA-256 beside the other evidence hashes (media_hashes), before anyone is shown it. */
  recordHash(path: string, sha256: string, eventId: string): Promise<void>;
  /** Puts the clip on the alert (stored and pushed); null while the alert is not known yet. */
  attach(alertId: string, clip: { clip: string; clipSha256: string }): Promise<Alert | null>;
  logger: Logger;
  onResult?: (result: ClipAttachResult) => void;
  now?: () => number;
  /** Alerts about events older than this get no clip request (a replayed backlog: the ring kept no such video). Default 5 min. */
  maxEventAgeMs?: number;
  /** Pauses between tries (ingest unreachable; the alert not stored yet). Default 2 s. */
  retryDelayMs?: number;
  /** Tries for each of those. Default 3. */
  tries?: number;
}

export interface ClipAttacher {
  /** An alert was raised; it gets a clip if it is a plate/fire/smoke alert with an event. */
  onRaised(alert: Alert): void;
  /** Clips waited for or being fetched. */
  readonly pending: number;
  close(): Promise<void>;
}

/**
 * Event clips for alerts (#17): once the event is CLIP_AFTER_MS old (the clip's end has been
 * recorded), asks the camera's ingest to cut it, records its hash, and attaches it to the alert,
 * which reaches the consoles as an `alert:update`. Every outcome is counted; none fails the alert.
 */
export function createClipAttacher(deps: ClipAttacherDeps): ClipAttacher {
  const now = deps.now ?? Date.now;
  const maxAge = deps.maxEventAgeMs ?? 300_000;
  const retryDelay = deps.retryDelayMs ?? 2_000;
  const tries = deps.tries ?? 3;
  /** Pending pauses, each with its way to end it early (close). */
  const timers = new Map<NodeJS.Timeout, () => void>();
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.set(t, resolve);
    });

  const done = (alert: Alert, result: ClipAttachResult, message?: string) => {
    deps.onResult?.(result);
    if (result === "written") deps.logger.debug({ alertId: alert.id, camera: alert.cameraId }, "event clip attached");
    else if (result !== "disabled") deps.logger.info({ alertId: alert.id, camera: alert.cameraId, result, message }, "no event clip for this alert");
  };

  async function fetchAndAttach(alert: Alert, eventId: string, atMs: number): Promise<void> {
    if (!(await deps.clipsOn(alert.cameraId).catch(() => true))) return done(alert, "disabled");
    const delay = atMs + CLIP_AFTER_MS - now();
    if (delay > 0) await wait(delay);
    if (closed) return;
    let outcome = await deps.ingest.requestClip({ cameraId: alert.cameraId, eventId, at: new Date(atMs).toISOString() });
    // Ingest restarting, or the network between: try again a little (the ring keeps a minute).
    for (let i = 1; i < tries && !outcome.ok && outcome.error === "unreachable" && !closed; i++) {
      await wait(retryDelay);
      outcome = await deps.ingest.requestClip({ cameraId: alert.cameraId, eventId, at: new Date(atMs).toISOString() });
    }
    if (!outcome.ok) return done(alert, outcome.error, outcome.message);
    const { clip, clipSha256 } = outcome.clip;
    await deps.recordHash(clip, clipSha256, eventId);
    // The alert's first save may still be queued (or it was raised on another instance a moment ago).
    for (let i = 0; ; i++) {
      if (await deps.attach(alert.id, { clip, clipSha256 })) return done(alert, "written");
      if (i + 1 >= tries || closed) return done(alert, "failed", "the alert was not found to attach its clip to");
      await wait(retryDelay);
    }
  }

  return {
    onRaised(alert) {
      if (closed || !CLIP_TYPES.has(alert.type) || !alert.eventId || seen.has(alert.id)) return;
      const atMs = Date.parse(alert.ts);
      if (!Number.isFinite(atMs)) return;
      seen.add(alert.id);
      // The alert's id is only needed until its clip is settled.
      const forget = () => seen.delete(alert.id);
      if (now() - atMs > maxAge) {
        forget();
        return done(alert, "too_old");
      }
      const job: Promise<void> = fetchAndAttach(alert, alert.eventId, atMs)
        .catch((err: unknown) => {
          deps.logger.warn({ err, alertId: alert.id }, "attaching the event clip failed");
          deps.onResult?.("failed");
        })
        .finally(() => {
          inFlight.delete(job);
          forget();
        });
      inFlight.add(job);
    },
    get pending() {
      return inFlight.size;
    },
    async close() {
      closed = true;
      // Waiting clips are given up (their alerts keep the picture); those being fetched may finish.
      for (const [t, resolve] of timers) {
        clearTimeout(t);
        resolve();
      }
      timers.clear();
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 2_000).unref())]);
    },
  };
}
