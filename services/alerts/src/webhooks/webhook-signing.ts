import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-vigil-signature";
export const TIMESTAMP_HEADER = "x-vigil-timestamp";
export const DELIVERY_HEADER = "x-vigil-delivery";
export const EVENT_HEADER = "x-vigil-event";

/**
 * What is signed: `<timestamp>.<raw body>` (the timestamp is unix seconds, the `X-Vigil-Timestamp`
 * header). The timestamp inside the MAC lets a receiver refuse a captured request replayed later;
 * the body is signed byte for byte as sent, so receivers must verify before parsing the JSON.
 */
export function signedContent(timestamp: number, rawBody: string): string {
  return `${timestamp}.${rawBody}`;
}

/** `X-Vigil-Signature`: `sha256=` and the hex HMAC-SHA256 of the signed content with the webhook's secret. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(signedContent(timestamp, rawBody)).digest("hex")}`;
}

/**
 * A receiver's check (also what the tests and the README's example do): the signature matches, in
 * constant time, and the timestamp is within `toleranceS` of the receiver's clock.
 */
export function verifyWebhookSignature(input: { secret: string; signature: string | undefined; timestamp: string | undefined; rawBody: string; nowMs?: number; toleranceS?: number }): boolean {
  const ts = Number(input.timestamp);
  if (!input.signature || !Number.isInteger(ts)) return false;
  const nowS = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(nowS - ts) > (input.toleranceS ?? 300)) return false;
  const expected = Buffer.from(signWebhook(input.secret, ts, input.rawBody));
  const given = Buffer.from(input.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
