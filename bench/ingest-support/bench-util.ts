import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A 1080p25 H.264 clip (4 Mbit/s, like a typical camera main stream), cached in the temp dir. */
export async function clip1080(seconds: number, gop: number): Promise<string> {
  const file = path.join(tmpdir(), `vigil-bench-1080p-${seconds}s-gop${gop}.mp4`);
  if (existsSync(file)) return file;
  await run("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-f", "lavfi", "-i", "nullsrc=size=1920x1080:rate=25",
    "-filter_complex", "[0][1]blend=all_mode=addition,noise=alls=12:allf=t", "-t", String(seconds),
    "-c:v", "libx264", "-preset", "veryfast", "-b:v", "4M", "-maxrate", "4M", "-bufsize", "8M", "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0", "-pix_fmt", "yuv420p", file]);
  return file;
}

export interface CpuRun {
  cpuS: number;
  wallS: number;
}

/**
 * Runs a command under /usr/bin/time and returns its CPU seconds (user + system), which is what
 * "cameras per core" needs and, unlike wall time, barely moves when other work shares the machine.
 * `onStdout` receives the child's stdout (our pipeline's reader in the ingest runs).
 */
export function cpuOf(cmd: string, args: string[], onStdout?: (chunk: Buffer) => void): Promise<CpuRun> {
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "CPU %U %S", cmd, ...args], { stdio: ["ignore", onStdout ? "pipe" : "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  if (onStdout) child.stdout!.on("data", onStdout);
  return new Promise((resolve, reject) => {
    child.on("close", (code) => {
      const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${cmd} failed (${code}): ${err.slice(-500)}`));
      resolve({ cpuS: Number(m[1]) + Number(m[2]), wallS: (performance.now() - started) / 1000 });
    });
  });
}

export const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
