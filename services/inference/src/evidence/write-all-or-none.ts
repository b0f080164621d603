import { createHash } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";

export interface FileToWrite {
  path: string;
  /** Produced only when its turn comes, so a failure stops the encoding of the rest too. */
  data: () => Promise<Buffer>;
}

/**
 * Writes the files under temporary names (`<path>.tmp`) and renames them to their final names only
 * once every one is written. On a failure the temporary files written so far (a partial one
 * included) are removed and the error rethrown: a full disk leaves neither half-written JPEGs nor
 * files nothing refers to, and a file already at a final name (an earlier revision's) is untouched.
 * Returns each file's SHA-256 (lowercase hex, in `files` order), taken from the very buffer written:
 * a re-read could already see someone else's bytes, and costs a second pass over the disk.
 */
export async function writeAllOrNone(files: readonly FileToWrite[], write: (file: string, data: Buffer) => Promise<void> = writeFile): Promise<string[]> {
  const temps: string[] = [];
  const hashes: string[] = [];
  try {
    for (const f of files) {
      const temp = `${f.path}.tmp`;
      temps.push(temp);
      const data = await f.data();
      hashes.push(createHash("sha256").update(data).digest("hex"));
      await write(temp, data);
    }
    for (const f of files) await rename(`${f.path}.tmp`, f.path);
    return hashes;
  } catch (err) {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    throw err;
  }
}
