import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getFreePort } from "./ports.js";

const SCRIPT = fileURLToPath(new URL("./rtsp-camera.py", import.meta.url));
/** Debian's python has `gi`; the first python3 on PATH may be a pyenv one without it. */
const SYSTEM_PYTHON = "/usr/bin/python3";

export interface RtspCameraOptions {
  file?: string;
  pattern?: string;
  width?: number;
  height?: number;
  fps?: number;
  gop?: number;
  user?: string;
  password?: string;
  port?: number;
  path?: string;
  /** The picture carries its capture time (ms) as blocks, for glass-to-glass latency (see rtsp-camera.py). */
  stamp?: boolean;
}

/** Where `stamp` puts the capture time (rtsp-camera.py draws it so): two identical rows of `bits` blocks, MSB first. */
export const STAMP_LAYOUT = { bits: 44, block: 20, x0: 8, y0: 8, rowStep: 28 } as const;

/** A real RTSP server (GStreamer) that a test can stop and start again on the same port. */
export class RtspTestCamera {
  private proc: ChildProcess | null = null;
  port = 0;
  constructor(private readonly options: RtspCameraOptions = {}) {}

  /** URL with credentials when the camera requires them. */
  get url(): string {
    const cred = this.options.user ? `${encodeURIComponent(this.options.user)}:${encodeURIComponent(this.options.password ?? "")}@` : "";
    return `rtsp://${cred}127.0.0.1:${this.port}${this.options.path ?? "/cam"}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = this.options.port ?? (await getFreePort());
    const o = this.options;
    const args = [SCRIPT, "--port", String(this.port), "--path", o.path ?? "/cam"];
    if (o.file) args.push("--file", o.file);
    if (o.pattern) args.push("--pattern", o.pattern);
    if (o.width) args.push("--width", String(o.width));
    if (o.height) args.push("--height", String(o.height));
    if (o.fps) args.push("--fps", String(o.fps));
    if (o.gop) args.push("--gop", String(o.gop));
    if (o.user) args.push("--user", o.user, "--password", o.password ?? "");
    if (o.stamp) args.push("--stamp");
    const proc = spawn(SYSTEM_PYTHON, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let err = "";
      const timer = setTimeout(() => reject(new Error(`RTSP camera did not start: ${err}`)), 15_000);
      proc.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("READY")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      proc.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`RTSP camera exited with ${code}: ${err}`));
      });
    });
  }

  /** For a test's failure message: where it listens and whether its server still runs. */
  describe(): string {
    const p = this.proc;
    return `RTSP camera on port ${this.port}: ${!p ? "not running" : p.exitCode !== null || p.signalCode !== null ? `exited (${p.exitCode ?? p.signalCode})` : `running, pid ${p.pid}`}`;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    // Gone already, by exiting or by a signal (a crashed server has no exit code): nothing to wait for.
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => proc.kill("SIGKILL"), 3000);
      proc.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      proc.kill("SIGTERM");
    });
  }
}
