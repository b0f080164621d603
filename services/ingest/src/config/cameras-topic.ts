import { camerasConfigMessageSchema, decodePayload, type PublishedCamera } from "@vigil/contracts";

/**
 * The camera list the alert service keeps retained on `{prefix}/config/cameras` (cameras edited
 * in the console/API live in its database). Standalone ingest instances follow it, so a camera
 * added in the console starts on whichever ingest shard owns it. The schema lives in contracts;
 * URLs there carry no credentials (see cameras-follower.ts for where those come from).
 */

export type CamerasConfigDecode = { ok: true; cameras: PublishedCamera[] } | { ok: false; reason: string };

/** Never throws; an empty payload (retained list cleared) is a rejection too. */
export function decodeCamerasConfig(payload: Buffer | string): CamerasConfigDecode {
  if (payload.length === 0) return { ok: false, reason: "empty payload (retained list cleared)" };
  const r = decodePayload(camerasConfigMessageSchema, payload);
  return r.ok ? { ok: true, cameras: r.value.cameras } : { ok: false, reason: r.reason };
}
