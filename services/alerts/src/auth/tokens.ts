import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Opaque session token: 256 random bits. Only its SHA-256 is stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export function newCsrfToken(): string {
  return randomBytes(24).toString("base64url");
}

export const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Double-submit check for cookie-authenticated requests: an unsafe method must carry the session's
 * CSRF token in `x-csrf-token`. Bearer-token requests are exempt (a browser never adds that header
 * on its own, so a cross-site form cannot forge one).
 */
export function csrfOk(method: string, via: "cookie" | "bearer", expected: string, sent: string | undefined): boolean {
  if (via === "bearer" || !UNSAFE_METHODS.has(method.toUpperCase())) return true;
  if (!sent) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
