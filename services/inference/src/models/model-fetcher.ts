import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ModelEntry } from "./manifest.js";

export type FetchOutcome = { name: string; status: "present" | "downloaded" | "npm" | "repo" } | { name: string; status: "failed"; error: string };

export interface FetchProgress {
  start(name: string, totalBytes: number | undefined): void;
  advance(bytes: number): void;
  stop(): void;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Downloads one manifest entry into modelsDir: skipped when the file is there with the right
 * sha256; otherwise fetched to a temp file, verified, then renamed into place (a failed or
 * tampered download never replaces a good file). `file:` URLs work too (tests, air-gapped mirrors).
 */
export async function fetchModel(entry: ModelEntry, modelsDir: string, progress?: FetchProgress, fetchImpl: typeof fetch = fetch): Promise<FetchOutcome> {
  if (entry.source.kind === "npm") return { name: entry.name, status: "npm" };
  if (entry.source.kind === "repo") return { name: entry.name, status: "repo" };
  const target = path.resolve(modelsDir, entry.source.file);
  if ((await exists(target)) && (!entry.sha256 || (await sha256File(target)) === entry.sha256)) return { name: entry.name, status: "present" };
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.download`;
  try {
    const url = new URL(entry.source.url);
    let body: Readable;
    let total: number | undefined;
    if (url.protocol === "file:") {
      body = createReadStream(url);
      total = (await stat(url)).size;
    } else {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(120_000) });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} from ${url.host}`);
      total = Number(res.headers.get("content-length")) || entry.sizeBytes;
      body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
    }
    progress?.start(entry.name, total);
    body.on("data", (chunk: Buffer) => progress?.advance(chunk.length));
    await pipeline(body, createWriteStream(temp));
    progress?.stop();
    if (entry.sha256) {
      const actual = await sha256File(temp);
      if (actual !== entry.sha256) throw new Error(`sha256 mismatch: expected ${entry.sha256}, got ${actual}`);
    }
    await rename(temp, target);
    return { name: entry.name, status: "downloaded" };
  } catch (err) {
    progress?.stop();
    await unlink(temp).catch(() => undefined);
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.cause?.code ?? e.cause?.message ?? e.message;
    return { name: entry.name, status: "failed", error: reason };
  }
}
