import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export interface ExportSigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** `sha256:<hex>` of the public key (SPKI DER): what a recipient compares with the published key. */
  fingerprint: string;
}

export function publicKeyFingerprint(publicKey: KeyObject): string {
  return `sha256:${createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex")}`;
}

function fromPem(pem: string, path: string): ExportSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`${path}: not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), fingerprint: publicKeyFingerprint(publicKey) };
}

/**
 * The Ed25519 key that signs case exports (EXPORT_SIGNING_KEY_FILE, PKCS#8 PEM): read, or generated once
 * into the file, readable by this user only (0600). `created` tells the caller to say so: exports
 * signed before a lost key can still be checked against its published public key, but no new ones.
 */
export async function loadOrCreateExportSigningKey(path: string): Promise<ExportSigningKey & { created: boolean }> {
  try {
    return { ...fromPem(await readFile(path, "utf8"), path), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(dirname(path), { recursive: true });
  const { privateKey } = generateKeyPairSync("ed25519");
  try {
    // "wx": two instances starting together do not overwrite each other's key.
    await writeFile(path, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
    return { ...fromPem(await readFile(path, "utf8"), path), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return { ...fromPem(await readFile(path, "utf8"), path), created: false };
  }
}
