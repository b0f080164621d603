import { readFileSync } from "node:fs";

/** Linux reports process times in clock ticks; 100 per second on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used, in milliseconds, from /proc/<pid>/stat; null when the
 * process is gone or /proc is not there (not Linux).
 */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return parseProcStatCpuMs(stat);
}

/** utime and stime are fields 14 and 15; the command name (field 2) may hold spaces, so count after its ')'. */
export function parseProcStatCpuMs(stat: string): number | null {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU milliseconds per second of wall time of each camera's decoder process since the previous
 * reading: what a camera costs ingest. A restarted decoder starts a new baseline.
 */
export class DecoderCpuMeter {
  private readonly tracked = new Map<string, { pid: number; lastCpuMs: number | null; lastAt: number }>();
  constructor(private readonly readCpuMs: (pid: number) => number | null = processCpuMs) {}

  track(camera: string, pid: number, nowMs = Date.now()): void {
    this.tracked.set(camera, { pid, lastCpuMs: this.readCpuMs(pid), lastAt: nowMs });
  }

  untrack(camera: string, pid?: number): void {
    const t = this.tracked.get(camera);
    if (t && (pid === undefined || t.pid === pid)) this.tracked.delete(camera);
  }

  /** One reading per tracked camera: ms of decoder CPU per second since the previous call. */
  sample(nowMs = Date.now()): { camera: string; msPerS: number; cpuMsDelta: number }[] {
    const out: { camera: string; msPerS: number; cpuMsDelta: number }[] = [];
    for (const [camera, t] of this.tracked) {
      const cpu = this.readCpuMs(t.pid);
      if (cpu === null) {
        this.tracked.delete(camera);
        continue;
      }
      const elapsedS = (nowMs - t.lastAt) / 1000;
      if (t.lastCpuMs !== null && elapsedS > 0) {
        const delta = Math.max(0, cpu - t.lastCpuMs);
        out.push({ camera, msPerS: delta / elapsedS, cpuMsDelta: delta });
      }
      t.lastCpuMs = cpu;
      t.lastAt = nowMs;
    }
    return out;
  }
}
