import { z } from "zod";

/**
 * SHA-256 of an evidence file's bytes as written (lowercase hex, 64 characters), carried beside each
 * evidence path (`snapshotSha256` beside `snapshot`, …). The writer hashes the buffer it writes, so
 * the hash says what the file was when it was made; the alert service refuses to serve a file whose
 * bytes no longer match it.
 */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters");
export type Sha256Hex = z.infer<typeof sha256Hex>;

/** The optional hash fields beside evidence paths (SPEC "Additions"). */
export const evidenceHashFields = {
  snapshotSha256: sha256Hex.optional(),
  cropSha256: sha256Hex.optional(),
  clipSha256: sha256Hex.optional(),
};
