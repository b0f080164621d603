import type { CameraStatus, CameraView } from "@vigil/contracts";
import { Emitter } from "../app/emitter.js";

export type LiveState = "online" | "degraded" | "offline" | "unknown";

export function liveState(camera: Pick<CameraView, "status">): LiveState {
  return camera.status?.state ?? "unknown";
}

/** Worst first: a cluster takes the colour of its worst camera so a dead one is never hidden in a green bubble. */
const WORST_FIRST: readonly LiveState[] = ["offline", "degraded", "unknown", "online"];

export function worstState(states: Iterable<LiveState>): LiveState {
  let worst = WORST_FIRST.length - 1;
  for (const s of states) worst = Math.min(worst, WORST_FIRST.indexOf(s));
  return WORST_FIRST[worst] ?? "unknown";
}

/** Cameras with live status, kept current from `camera:status`. */
export class CameraStore {
  private readonly byId = new Map<string, CameraView>();
  readonly changed = new Emitter<CameraView>();
  readonly reset = new Emitter<CameraView[]>();

  replaceAll(cameras: readonly CameraView[]): void {
    this.byId.clear();
    for (const c of cameras) this.byId.set(c.id, c);
    this.reset.emit(this.list());
  }

  /** Applies a status message; a status older than the one held is ignored (retained messages replayed late). */
  applyStatus(status: CameraStatus): CameraView | undefined {
    const cam = this.byId.get(status.cameraId);
    if (!cam) return undefined;
    if (cam.status && Date.parse(cam.status.ts) > Date.parse(status.ts)) return cam;
    const { schemaVersion: _v, ...rest } = status;
    const next: CameraView = { ...cam, status: rest };
    this.byId.set(cam.id, next);
    this.changed.emit(next);
    return next;
  }

  setSnapshot(cameraId: string, snapshot: string | undefined): void {
    const cam = this.byId.get(cameraId);
    if (!cam || !snapshot) return;
    const next = { ...cam, lastSnapshot: snapshot };
    this.byId.set(cameraId, next);
    this.changed.emit(next);
  }

  get(id: string): CameraView | undefined {
    return this.byId.get(id);
  }

  name(id: string): string {
    return this.byId.get(id)?.name ?? id;
  }

  list(): CameraView[] {
    return [...this.byId.values()].sort((a, b) => a.name.localeCompare(b.name, "vi", { numeric: true }));
  }
}
