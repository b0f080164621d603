import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { decodeSecretsKey, generateSecretsKey } from "./camera-secrets.js";

/**
 * The camera secrets key kept in a file (outside production, when CAMERA_SECRETS_KEY is not set):
 * read it, or create it once with a fresh random key, readable by this user only (0600).
 * `created` tells the caller to say so: losing the file makes the stored camera passwords unreadable.
 */
export async function loadOrCreateSecretsKeyFile(path: string): Promise<{ key: Buffer; created: boolean }> {
  try {
    return { key: parse(await readFile(path, "utf8"), path), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(dirname(path), { recursive: true });
  try {
    // "wx": two instances starting together do not overwrite each other's key.
    await writeFile(path, `${generateSecretsKey()}\n`, { mode: 0o600, flag: "wx" });
    return { key: parse(await readFile(path, "utf8"), path), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return { key: parse(await readFile(path, "utf8"), path), created: false };
  }
}

function parse(text: string, path: string): Buffer {
  const key = decodeSecretsKey(text);
  if (!key) throw new Error(`${path}: not a camera secrets key (32 bytes, base64)`);
  return key;
}
