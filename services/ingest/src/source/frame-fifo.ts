import { execFile } from "node:child_process";
import { constants, openSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { PpmFrameReader } from "./ppm-frame-reader.js";

const run = promisify(execFile);

/**
 * A named pipe that ffmpeg writes a camera's frames into, read straight into the frame buffers.
 *
 * Why not ffmpeg's stdout: Node reads a child's stdout in chunks of 64 KiB, each a new buffer
 * that the reader then copies into the frame — 43 of them per 1280×720 frame, garbage the main
 * thread has to collect at 2.76 MB per frame per camera. A socket made from our own descriptor
 * can be given `onread`, so libuv reads into the buffer we name (the rest of the current frame):
 * no chunks, no copy (bench/ingest-capacity.ts).
 *
 * We hold the pipe open for reading *and* writing (Linux semantics for FIFOs): opening never
 * waits for ffmpeg, and a dead ffmpeg is seen from its process exit, not from an end of file.
 * Each ffmpeg run gets a fresh opening, so bytes of a frame cut off by a crash cannot leak into
 * the next run.
 */
export class FrameFifo {
  private constructor(
    private readonly dir: string,
    readonly path: string,
  ) {}

  /**
   * A new FIFO in its own temp folder, or undefined where none can be made (no mkfifo, no temp
   * folder: then frames come over stdout). Never rejects.
   */
  static async create(): Promise<FrameFifo | undefined> {
    let dir: string | undefined;
    try {
      dir = await mkdtemp(path.join(tmpdir(), "vigil-frames-"));
      const file = path.join(dir, "frames.ppm");
      await run("mkfifo", ["-m", "600", file]);
      return new FrameFifo(dir, file);
    } catch {
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      return undefined;
    }
  }

  /**
   * Starts reading into `reader` for one ffmpeg run. `onError` gets what the reader or the socket
   * threw (not a PPM stream, a read error); the caller then kills that run. `close` ends the opening.
   */
  open(reader: PpmFrameReader, onError: (err: Error) => void): { close(): void } {
    const fd = openSync(this.path, constants.O_RDWR | constants.O_NONBLOCK);
    let failed = false;
    // Node's Socket constructor takes `onread` as connect() does (lib/net.js); @types/node lists it for connect only.
    const options: net.SocketConstructorOpts & { onread: net.OnReadOpts } = {
      fd,
      readable: true,
      writable: false,
      onread: {
        buffer: () => reader.target(),
        callback: (n: number) => {
          if (failed) return false;
          try {
            reader.commit(n);
            return true;
          } catch (err) {
            failed = true;
            onError(err as Error);
            return false;
          }
        },
      },
    };
    const socket = new net.Socket(options);
    socket.on("error", (err) => onError(err));
    return { close: () => socket.destroy() };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
