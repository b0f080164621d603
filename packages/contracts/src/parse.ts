import { z } from "zod";

const utf8 = new TextDecoder("utf-8");

export type SafeDecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Decodes a raw MQTT payload (bytes → JSON → schema). Consumers call this and count the rejects;
 * the reason is readable enough to put straight into a dead-letter message.
 */
export function decodePayload<S extends z.ZodType>(schema: S, payload: Uint8Array | string): SafeDecodeResult<z.output<S>> {
  let json: unknown;
  try {
    // TextDecoder rather than Buffer: the console imports this module in the browser. (A Buffer is a Uint8Array.)
    const text = typeof payload === "string" ? payload : utf8.decode(payload);
    // No store downstream (PostgreSQL text, file names) can hold a NUL character; refusing it here keeps a
    // single poisoned message from blocking a batch that would otherwise be retried for ever.
    if (text.includes("\\u0000") || text.includes("\0")) return { ok: false, reason: "payload contains a NUL character" };
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `payload is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  return { ok: true, value: parsed.data };
}

/** Publishers call this: it throws on a payload that would be rejected downstream, and returns the JSON text. */
export function encodePayload<S extends z.ZodType>(schema: S, value: z.input<S>): string {
  return JSON.stringify(schema.parse(value));
}
