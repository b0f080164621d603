import { mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

export interface OutboxEntry {
  /** File name; sorts in enqueue order. */
  key: string;
  topic: string;
  payload: string;
}

export interface DiskOutboxOptions {
  dir: string;
  /** Entries kept at most; beyond it the oldest are dropped (and counted). */
  maxEntries: number;
  onDrop?: (count: number) => void;
}

/**
 * Events waiting to be published, one JSON file each, named by a zero-padded sequence number so
 * a directory listing is the publish order. Files are written to a temp name and renamed, so a
 * crash never leaves half an event behind. Survives restarts: the sequence resumes after the
 * highest file found.
 */
export class DiskOutbox {
  private seq = 0;
  private keys: string[] = [];
  private dropped = 0;

  constructor(private readonly o: DiskOutboxOptions) {}

  async open(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true });
    const files = (await readdir(this.o.dir)).filter((f) => /^\d{16}\.json$/.test(f)).sort();
    this.keys = files;
    const last = files.at(-1);
    this.seq = last ? Number(last.slice(0, 16)) + 1 : 0;
  }

  get depth(): number {
    return this.keys.length;
  }

  get droppedTotal(): number {
    return this.dropped;
  }

  async enqueue(topic: string, payload: string): Promise<void> {
    const key = `${String(this.seq++).padStart(16, "0")}.json`;
    const file = path.join(this.o.dir, key);
    await writeFile(`${file}.tmp`, JSON.stringify({ topic, payload }));
    await rename(`${file}.tmp`, file);
    this.keys.push(key);
    let dropped = 0;
    while (this.keys.length > this.o.maxEntries) {
      const oldest = this.keys.shift()!;
      await unlink(path.join(this.o.dir, oldest)).catch(() => undefined);
      dropped++;
    }
    if (dropped > 0) {
      this.dropped += dropped;
      this.o.onDrop?.(dropped);
    }
  }

  /** The oldest entry, or undefined when empty. Unreadable files are removed (and skipped). */
  async peek(): Promise<OutboxEntry | undefined> {
    while (this.keys.length > 0) {
      const key = this.keys[0]!;
      try {
        const parsed = JSON.parse(await readFile(path.join(this.o.dir, key), "utf8")) as { topic?: unknown; payload?: unknown };
        if (typeof parsed.topic === "string" && typeof parsed.payload === "string") return { key, topic: parsed.topic, payload: parsed.payload };
      } catch {
        // fall through: a corrupt or vanished entry is dropped below
      }
      this.keys.shift();
      await unlink(path.join(this.o.dir, key)).catch(() => undefined);
      this.dropped++;
      this.o.onDrop?.(1);
    }
    return undefined;
  }

  async remove(key: string): Promise<void> {
    const i = this.keys.indexOf(key);
    if (i >= 0) this.keys.splice(i, 1);
    await unlink(path.join(this.o.dir, key)).catch(() => undefined);
  }
}
