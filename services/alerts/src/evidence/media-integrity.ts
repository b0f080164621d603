import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Stats } from "node:fs";

/** SHA-256 of a file's bytes, streamed (a clip may be large), lowercase hex. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file, { highWaterMark: 256 * 1024 })
      .on("error", reject)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")));
  });
}

export type MediaCheck =
  | { status: "ok"; sha256: string }
  | { status: "unrecorded" }
  /** `first`: the first time this service saw these bytes at this path (audit it once, not per retry). */
  | { status: "tampered"; expected: string; actual: string; first: boolean };

export interface MediaIntegrityDeps {
  /** The hash recorded for a `/media/…` path, or null when none was (files from before hashes). */
  recordedHash(url: string): Promise<string | null>;
  /** Verified (path, size, mtime) entries kept; the oldest go first. */
  cacheSize?: number;
  hashFile?: (file: string) => Promise<string>;
}

/**
 * Checks an evidence file against the hash its writer recorded before it is served. A verified file
 * is remembered by (path, size, mtime, inode): serving it again costs a map look-up, and any write to
 * it (which changes the mtime or, for a same-size overwrite in the same second, is caught by the
 * periodic check and `npm run verify`) sends it through the hash again. Unrecorded files are not
 * cached: their hash may arrive later.
 */
export function createMediaIntegrity(deps: MediaIntegrityDeps) {
  const limit = deps.cacheSize ?? 20_000;
  const verified = new Map<string, string>();
  const reported = new Set<string>();
  const hashFile = deps.hashFile ?? sha256File;
  const stamp = (st: Stats, sha256: string) => `${st.size}|${st.mtimeMs}|${st.ino}|${sha256}`;

  return {
    async check(url: string, file: string, st: Stats): Promise<MediaCheck> {
      const cached = verified.get(url);
      if (cached?.startsWith(`${st.size}|${st.mtimeMs}|${st.ino}|`)) return { status: "ok", sha256: cached.slice(cached.lastIndexOf("|") + 1) };
      const expected = await deps.recordedHash(url);
      if (!expected) return { status: "unrecorded" };
      const actual = await hashFile(file);
      if (actual !== expected) {
        verified.delete(url);
        const key = `${url}|${actual}`;
        const first = !reported.has(key);
        if (first && reported.size < limit) reported.add(key);
        return { status: "tampered", expected, actual, first };
      }
      verified.delete(url);
      verified.set(url, stamp(st, actual));
      if (verified.size > limit) verified.delete(verified.keys().next().value!);
      return { status: "ok", sha256: actual };
    },
    /** Forgets what was verified (tests; a restore from backup). */
    clear: () => verified.clear(),
  };
}
export type MediaIntegrity = ReturnType<typeof createMediaIntegrity>;
