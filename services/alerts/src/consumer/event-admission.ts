import { isMediaUrlPath, MEDIA_URL_PREFIX, toPlateKey, type FireEvent, type PlateEvent } from "@vigil/contracts";
import { safeMediaPath } from "../evidence/media-path.js";

const DAY_MS = 86_400_000;

export interface AdmissionPolicy {
  /** Reads older than this are past retention: never stored (and never a reason to create a partition). */
  retentionDays: number;
  /** How far ahead of this server's clock an event may be (camera/inference clock skew). */
  maxFutureSkewMs: number;
  /** Evidence paths must resolve inside it (the `/media` route serves it). */
  mediaDir: string;
}

/** A refused event: `label` for metrics, `reason` for the dead-letter message. */
export interface Refusal {
  label: "ts_out_of_window" | "unknown_camera" | "display_mismatch" | "evidence_path";
  reason: string;
}

/** The event times the service accepts at `now`: from now − retention to now + skew (ms since the epoch). */
export function eventTimeWindow(policy: Pick<AdmissionPolicy, "retentionDays" | "maxFutureSkewMs">, now: number): { fromMs: number; toMs: number } {
  return { fromMs: now - policy.retentionDays * DAY_MS, toMs: now + policy.maxFutureSkewMs };
}

export function checkEventTime(ts: string, policy: AdmissionPolicy, now: number): Refusal | null {
  const t = Date.parse(ts);
  const { fromMs, toMs } = eventTimeWindow(policy, now);
  if (Number.isFinite(t) && t >= fromMs && t <= toMs) return null;
  return {
    label: "ts_out_of_window",
    reason: `ts ${ts} is outside the accepted window ${new Date(fromMs).toISOString()} … ${new Date(toMs).toISOString()} (retention ${policy.retentionDays} d, clock skew ${Math.round(policy.maxFutureSkewMs / 1000)} s)`,
  };
}

/** `snapshot`/`crop` are this system's `/media/…` files: anything else is fetched by the operator's browser. */
export function checkEvidencePath(field: string, value: string | undefined, mediaDir: string): Refusal | null {
  if (value === undefined || value === "") return null;
  if (isMediaUrlPath(value) && safeMediaPath(mediaDir, value.slice(MEDIA_URL_PREFIX.length))) return null;
  return { label: "evidence_path", reason: `${field} must be a ${MEDIA_URL_PREFIX}… path of this system, got ${JSON.stringify(value.slice(0, 200))}` };
}

/** Every evidence path an event may carry (`clip` is SPEC's addition, checked once a schema has it). */
function checkEvidence(event: { snapshot?: string | undefined; crop?: string | undefined; clip?: unknown }, mediaDir: string): Refusal | null {
  for (const field of ["snapshot", "crop", "clip"] as const) {
    const value = event[field];
    const refusal = checkEvidencePath(field, typeof value === "string" ? value : undefined, mediaDir);
    if (refusal) return refusal;
  }
  return null;
}

/** The checks that need nothing but the event and the clock (the camera check is `createEventAdmission`'s). */
export function checkPlateEvent(event: PlateEvent, policy: AdmissionPolicy, now: number): Refusal | null {
  const key = toPlateKey(event.display);
  if (key !== event.plate) return { label: "display_mismatch", reason: `display ${JSON.stringify(event.display)} reads as ${key || "nothing"}, not as plate ${event.plate}` };
  return checkEventTime(event.ts, policy, now) ?? checkEvidence(event, policy.mediaDir);
}

export function checkFireEvent(event: FireEvent, policy: AdmissionPolicy, now: number): Refusal | null {
  return checkEventTime(event.ts, policy, now) ?? checkEvidence(event, policy.mediaDir);
}

/**
 * What the consumer admits beyond the schema: evidence from a registered camera, at a plausible
 * time, whose display reads as its plate and whose pictures are this system's files. Anyone who can
 * publish on the broker could otherwise write evidence.
 */
export function createEventAdmission(deps: {
  policy: AdmissionPolicy;
  /** True when `cameraId` is registered (camera-service's `isKnown`). */
  isKnownCamera(cameraId: string): boolean | Promise<boolean>;
  /** Accept events from cameras that are not registered (test rigs that publish for made-up cameras). */
  acceptUnknownCameras?: boolean;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  async function camera(cameraId: string): Promise<Refusal | null> {
    if (deps.acceptUnknownCameras || (await deps.isKnownCamera(cameraId))) return null;
    return { label: "unknown_camera", reason: `camera ${JSON.stringify(cameraId)} is not registered` };
  }
  return {
    async plate(event: PlateEvent): Promise<Refusal | null> {
      return checkPlateEvent(event, deps.policy, now()) ?? camera(event.cameraId);
    },
    async fire(event: FireEvent): Promise<Refusal | null> {
      return checkFireEvent(event, deps.policy, now()) ?? camera(event.cameraId);
    },
  };
}
export type EventAdmission = ReturnType<typeof createEventAdmission>;
