import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for camera URLs at rest (issue 15, finding 3). A sealed value reads
 * `v1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>`: the key id (a hash of the key, never the key)
 * says which key wrote it, so rows under a previous key are found and re-sealed on start. The
 * camera id is the additional authenticated data: a sealed URL copied onto another camera's row
 * does not open.
 */
export const CAMERA_SECRETS_KEY_BYTES = 32;
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class CameraSecretError extends Error {}

export interface CameraSecrets {
  /** Id of the current key (8 hex digits). */
  readonly keyId: string;
  seal(plain: string, cameraId: string): string;
  /** Throws CameraSecretError naming the cause: unknown key, or tampered / wrong camera. */
  open(sealed: string, cameraId: string): string;
  /** Whether `sealed` was written with the current key (false: re-seal it). */
  isCurrent(sealed: string): boolean;
}

export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("vigil-camera-secrets\0").update(key).digest("hex").slice(0, 8);
}

/** Decodes a base64 (or base64url) key of exactly 32 bytes; null when it is not one. */
export function decodeSecretsKey(text: string): Buffer | null {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return null;
  const key = Buffer.from(t, "base64");
  return key.length === CAMERA_SECRETS_KEY_BYTES ? key : null;
}

export function generateSecretsKey(): string {
  return randomBytes(CAMERA_SECRETS_KEY_BYTES).toString("base64");
}

/** `key` seals; it and `previous` (a rotation's old keys) open. */
export function createCameraSecrets(key: Buffer, previous: readonly Buffer[] = []): CameraSecrets {
  for (const k of [key, ...previous]) {
    if (k.length !== CAMERA_SECRETS_KEY_BYTES) throw new CameraSecretError(`a camera secrets key must be ${CAMERA_SECRETS_KEY_BYTES} bytes, got ${k.length}`);
  }
  const keyId = keyIdOf(key);
  const keys = new Map<string, Buffer>();
  for (const k of [key, ...previous]) if (!keys.has(keyIdOf(k))) keys.set(keyIdOf(k), k);

  function parts(sealed: string): { id: string; blob: Buffer } {
    const m = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$/.exec(sealed);
    if (!m) throw new CameraSecretError("not a sealed camera secret (expected v1:<key id>:<data>)");
    const blob = Buffer.from(m[2]!, "base64url");
    if (blob.length < IV_BYTES + TAG_BYTES) throw new CameraSecretError("sealed camera secret is truncated");
    return { id: m[1]!, blob };
  }

  return {
    keyId,
    seal(plain, cameraId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(cameraId, "utf8"));
      const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return `${VERSION}:${keyId}:${Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url")}`;
    },
    open(sealed, cameraId) {
      const { id, blob } = parts(sealed);
      const k = keys.get(id);
      if (!k) throw new CameraSecretError(`sealed with key ${id}, which is neither CAMERA_SECRETS_KEY (${keyId}) nor one of CAMERA_SECRETS_KEY_PREVIOUS`);
      const decipher = createDecipheriv("aes-256-gcm", k, blob.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(cameraId, "utf8"));
      decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(blob.subarray(IV_BYTES, blob.length - TAG_BYTES)), decipher.final()]).toString("utf8");
      } catch {
        throw new CameraSecretError(`sealed camera secret failed authentication (tampered, or not camera "${cameraId}"'s)`);
      }
    },
    isCurrent(sealed) {
      return sealed.startsWith(`${VERSION}:${keyId}:`);
    },
  };
}
