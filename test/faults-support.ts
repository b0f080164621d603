import { existsSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateStreetVideo } from "@vigil/synthetic";

export const REPO = path.resolve(import.meta.dirname, "..");
export const MODELS_DIR = path.resolve(process.env.MODELS_DIR ?? path.join(REPO, "..", "shared", "models"));

/**
 * A synthetic street clip with readable plates, generated once per machine (same seed → same
 * video). 20 s by default: longer than the tracker's re-identification window (15 s), so each loop
 * of the file brings new plate events rather than continuing the last loop's.
 */
export async function plateClip(seed: number, durationS = 20): Promise<string> {
  const out = path.join(tmpdir(), `vigil-faults-street-s${seed}-${durationS}s.mp4`);
  if (existsSync(out)) return out;
  const part = out.replace(/\.mp4$/, `.${process.pid}.mp4`);
  await generateStreetVideo({ seed, out: part, durationS, width: 1280, height: 720, fps: 25, gop: 25, wanted: "51G-888.88" });
  const { rename } = await import("node:fs/promises");
  await rename(part, out);
  return out;
}

/**
 * A TCP proxy in front of the broker for one client. `hold()` drops what the client sends while
 * still passing what the broker sends: the client keeps receiving frames, but its publishes never
 * reach the broker (no PUBACK), as when its uplink fails.
 */
export class HoldingProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private holding = false;
  droppedBytes = 0;
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async start(port: number): Promise<void> {
    this.port = port;
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      upstream.pipe(client);
      client.on("data", (d: Buffer) => {
        if (this.holding) this.droppedBytes += d.length;
        else upstream.write(d);
      });
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
  }

  hold(): void {
    this.holding = true;
  }

  /** Passes traffic again and drops the connections that lost bytes (their stream is broken). */
  release(): void {
    this.holding = false;
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Live ffmpeg processes whose parent is `pid` (ingest's decoders). */
export async function ffmpegChildren(pid = process.pid): Promise<number[]> {
  const { readFile } = await import("node:fs/promises");
  let kids: string[] = [];
  try {
    kids = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const k of kids) {
    const comm = await readFile(`/proc/${k}/comm`, "utf8").catch(() => "");
    if (comm.trim() === "ffmpeg") out.push(Number(k));
  }
  return out;
}
