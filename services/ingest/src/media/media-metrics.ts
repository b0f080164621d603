import { Counter, Gauge, type Registry } from "prom-client";
import type { ClipResult } from "./clip-cutter.js";

export interface MediaMetrics {
  clips: Counter<"result">;
  ringWriteErrors: Counter<"camera">;
  viewers: Gauge<"camera">;
}

/** Live view and clip metrics of one ingest instance (#17), on its registry. */
export function createMediaMetrics(registry: Registry, viewersNow: () => { camera: string; viewers: number }[]): MediaMetrics {
  const registers = [registry];
  return {
    clips: new Counter({
      name: "vigil_ingest_clips_total",
      help: `Event clips asked for, by result (${(["written", "no_video", "failed", "disabled", "not_here", "bad_request"] satisfies ClipResult[]).join(", ")})`,
      labelNames: ["result"],
      registers,
    }),
    ringWriteErrors: new Counter({
      name: "vigil_ingest_clip_ring_write_errors_total",
      help: "Writes of the clip ring (each camera's last minute of video on disk) that failed, e.g. on a full disk",
      labelNames: ["camera"],
      registers,
    }),
    viewers: new Gauge({
      name: "vigil_ingest_live_viewers",
      help: "Live viewers per camera now (each served from the camera's one pull)",
      labelNames: ["camera"],
      registers,
      collect() {
        this.reset();
        for (const v of viewersNow()) this.set({ camera: v.camera }, v.viewers);
      },
    }),
  };
}
