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
 */
export async function writeAllOrNone(files: readonly FileToWrite[], write: (file: string, data: Buffer) => Promise<void> = writeFile): Promise<void> {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const temp = `${f.path}.tmp`;
      temps.push(temp);
      await write(temp, await f.data());
    }
    for (const f of files) await rename(`${f.path}.tmp`, f.path);
  } catch (err) {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    throw err;
  }
}
