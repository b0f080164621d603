import { describe, expect, it } from "vitest";
import { IngestMetrics } from "./ingest-metrics.js";

function burnCpu(ms: number): void {
  const until = process.cpuUsage().user / 1000 + ms;
  let x = 0;
  while (process.cpuUsage().user / 1000 < until) x += Math.sqrt(x + 1);
  if (x < 0) throw new Error("unreachable");
}

function value(text: string, name: string, camera: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{camera="${camera}"}`));
  if (!line) throw new Error(`${name} for ${camera} missing`);
  return Number(line.split(" ").pop());
}

describe("per-camera decoder cost", () => {
  it("shows the same scrape's CPU in the total and in the per-second gauge (neither lags a scrape)", async () => {
    const metrics = new IngestMetrics();
    // This test process stands in for a camera's ffmpeg: its own CPU time is what /proc reports.
    metrics.decoderCpu.track("cam-1", process.pid);
    burnCpu(60);
    const first = await metrics.registry.metrics();
    const total1 = value(first, "vigil_ingest_camera_decode_cpu_ms_total", "cam-1");
    expect(total1).toBeGreaterThanOrEqual(40);
    expect(value(first, "vigil_ingest_camera_decode_cpu_ms_per_s", "cam-1")).toBeGreaterThan(0);
    burnCpu(60);
    const second = await metrics.registry.metrics();
    expect(value(second, "vigil_ingest_camera_decode_cpu_ms_total", "cam-1") - total1).toBeGreaterThanOrEqual(40);
    metrics.removeCamera("cam-1");
    expect(await metrics.registry.metrics()).not.toContain('camera="cam-1"');
  });
});
