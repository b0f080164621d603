import type { FireEvent, PlateEvent } from "@vigil/contracts";
import type { MediaHashRecord } from "../storage/media-hashes-repository.js";

/** The (path, hash) pairs an event brings: each evidence path that came with its hash. */
export function mediaHashesOf(event: PlateEvent | FireEvent): MediaHashRecord[] {
  const out: MediaHashRecord[] = [];
  const add = (path: string | undefined, sha256: string | undefined) => {
    if (path && sha256) out.push({ path, sha256, eventId: event.id });
  };
  add(event.snapshot, event.snapshotSha256);
  if ("crop" in event) add(event.crop, event.cropSha256);
  // Clips come later (SPEC `clip?`); their hash field exists already.
  add((event as { clip?: string }).clip, event.clipSha256);
  return out;
}
