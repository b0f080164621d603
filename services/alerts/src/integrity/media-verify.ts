import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { MEDIA_URL_PREFIX, type IntegrityProblem } from "@vigil/contracts";
import { safeMediaPath } from "../evidence/media-path.js";
import type { MediaHashesRepository } from "../storage/media-hashes-repository.js";

export interface MediaVerifyResult {
  files: number;
  bytes: number;
}

const PAGE = 5_000;
const READ_CHUNK = 1024 * 1024;

/**
 * Hashes one file into `scratch` (one buffer per worker, reused: 100 k evidence files would otherwise
 * allocate 100 k buffers). Returns null when the file is gone.
 */
async function hashFile(file: string, scratch: Buffer): Promise<{ sha256: string; bytes: number; mtime: Date } | null> {
  const fh = await open(file, "r").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT" || err.code === "ENOTDIR") return null;
    throw err;
  });
  if (!fh) return null;
  try {
    const st = await fh.stat();
    const hash = createHash("sha256");
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await fh.read(scratch, 0, scratch.length, null);
      if (!bytesRead) break;
      hash.update(scratch.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { sha256: hash.digest("hex"), bytes, mtime: st.mtime };
  } finally {
    await fh.close();
  }
}

/**
 * Checks every evidence file with a recorded hash (or those recorded since `since`) against its bytes,
 * `concurrency` files at a time. A changed file is reported with its modification time (when it was
 * changed, unless whoever changed it also reset that).
 */
export async function verifyMediaHashes(o: {
  mediaDir: string;
  hashes: MediaHashesRepository;
  since?: string;
  concurrency?: number;
  onProblem: (p: IntegrityProblem) => void;
}): Promise<MediaVerifyResult> {
  const result = { files: 0, bytes: 0 };
  const workers = o.concurrency ?? 8;
  const scratch = Array.from({ length: workers }, () => Buffer.allocUnsafe(READ_CHUNK));
  let after = "";
  for (;;) {
    const page = await o.hashes.page(after, PAGE, o.since);
    let next = 0;
    await Promise.all(
      scratch.map(async (buf) => {
        for (let i = next++; i < page.length; i = next++) {
          const { path, sha256 } = page[i]!;
          const file = path.startsWith(MEDIA_URL_PREFIX) ? safeMediaPath(o.mediaDir, path.slice(MEDIA_URL_PREFIX.length)) : null;
          const got = file ? await hashFile(file, buf) : null;
          result.files++;
          if (!got) {
            o.onProblem({ kind: "media_missing", path, expectedSha256: sha256, message: `evidence file ${path} is gone (its SHA-256 was recorded when it was written)` });
            continue;
          }
          result.bytes += got.bytes;
          if (got.sha256 !== sha256) {
            o.onProblem({
              kind: "media_tampered",
              path,
              at: got.mtime.toISOString(),
              expectedSha256: sha256,
              actualSha256: got.sha256,
              message: `evidence file ${path} was changed after it was written (modified ${got.mtime.toISOString()}): its bytes no longer match the recorded SHA-256`,
            });
          }
        }
      }),
    );
    if (page.length < PAGE) break;
    after = page.at(-1)!.path;
  }
  return result;
}
