import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CameraSecretError, createCameraSecrets, decodeSecretsKey, generateSecretsKey } from "./camera-secrets.js";
import { loadOrCreateSecretsKeyFile } from "./secrets-key-file.js";

const URL_WITH_PASSWORD = "rtsp://admin:p@ss-word@10.1.1.1:554/Streaming/Channels/101";
const key = () => decodeSecretsKey(generateSecretsKey())!;

describe("camera secrets (AES-256-GCM)", () => {
  it("round-trips, with a fresh IV each time and no plain text in the sealed value", () => {
    const s = createCameraSecrets(key());
    const a = s.seal(URL_WITH_PASSWORD, "gate-1");
    const b = s.seal(URL_WITH_PASSWORD, "gate-1");
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^v1:${s.keyId}:[A-Za-z0-9_-]+$`));
    expect(a).not.toContain("p@ss");
    expect(s.open(a, "gate-1")).toBe(URL_WITH_PASSWORD);
    expect(s.open(b, "gate-1")).toBe(URL_WITH_PASSWORD);
    expect(s.isCurrent(a)).toBe(true);
  });

  it("fails clearly with a wrong key", () => {
    const sealed = createCameraSecrets(key()).seal(URL_WITH_PASSWORD, "gate-1");
    const other = createCameraSecrets(key());
    expect(() => other.open(sealed, "gate-1")).toThrow(CameraSecretError);
    expect(() => other.open(sealed, "gate-1")).toThrow(/neither CAMERA_SECRETS_KEY .* nor one of CAMERA_SECRETS_KEY_PREVIOUS/);
  });

  it("refuses tampered ciphertext, a sealed value moved to another camera, and garbage", () => {
    const s = createCameraSecrets(key());
    const sealed = s.seal(URL_WITH_PASSWORD, "gate-1");
    const [v, id, data] = sealed.split(":") as [string, string, string];
    const bytes = Buffer.from(data, "base64url");
    for (const i of [0, 13, bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[i]! ^= 0x01;
      expect(() => s.open(`${v}:${id}:${flipped.toString("base64url")}`, "gate-1")).toThrow(/failed authentication/);
    }
    expect(() => s.open(sealed, "gate-2")).toThrow(/failed authentication/);
    expect(() => s.open(`${v}:${id}:${bytes.subarray(0, 20).toString("base64url")}`, "gate-1")).toThrow(/truncated/);
    expect(() => s.open("rtsp://admin:x@host/", "gate-1")).toThrow(/not a sealed camera secret/);
  });

  it("opens values sealed with a previous key (rotation) and says they need re-sealing", () => {
    const old = key();
    const sealed = createCameraSecrets(old).seal(URL_WITH_PASSWORD, "gate-1");
    const rotated = createCameraSecrets(key(), [old]);
    expect(rotated.open(sealed, "gate-1")).toBe(URL_WITH_PASSWORD);
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(rotated.isCurrent(rotated.seal(URL_WITH_PASSWORD, "gate-1"))).toBe(true);
  });

  it("accepts only 32-byte base64 keys", () => {
    expect(decodeSecretsKey(generateSecretsKey())).toHaveLength(32);
    expect(decodeSecretsKey(Buffer.alloc(32, 1).toString("base64url"))).toHaveLength(32);
    expect(decodeSecretsKey(Buffer.alloc(16).toString("base64"))).toBeNull();
    expect(decodeSecretsKey("not base64!")).toBeNull();
    expect(() => createCameraSecrets(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe("camera secrets key file", () => {
  it("is created once with mode 0600 and read back afterwards", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "vigil-key-")), "sub", "camera-secrets.key");
    const first = await loadOrCreateSecretsKeyFile(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateSecretsKeyFile(file);
    expect(again.created).toBe(false);
    expect(again.key.equals(first.key)).toBe(true);
  });

  it("refuses a file that holds no key", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "vigil-key-")), "camera-secrets.key");
    writeFileSync(file, "hunter2\n");
    await expect(loadOrCreateSecretsKeyFile(file)).rejects.toThrow(/not a camera secrets key/);
  });
});
