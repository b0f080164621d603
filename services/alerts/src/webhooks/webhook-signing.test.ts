import { describe, expect, it } from "vitest";
import { signedContent, signWebhook, verifyWebhookSignature } from "./webhook-signing.js";

describe("webhook signatures", () => {
  it("HMAC-SHA256 over '<timestamp>.<raw body>', hex, prefixed sha256= (vector computed with openssl dgst -hmac)", () => {
    expect(signedContent(1_700_000_000, '{"alert":"x"}')).toBe('1700000000.{"alert":"x"}');
    expect(signWebhook("vigil-test-secret-0123456789", 1_700_000_000, '{"alert":"x"}')).toBe("sha256=cc0653bb590d73ace8bf398c92344aff82ef64a41fc9fb51e2eaff398b0be72b");
  });

  it("verifies its own signature; a changed body, secret or timestamp fails; an old timestamp is refused", () => {
    const body = '{"event":"alert.new"}';
    const nowMs = 1_700_000_100_000;
    const ts = 1_700_000_100;
    const signature = signWebhook("s3cret-s3cret-s3cret", ts, body);
    const check = (o: Partial<Parameters<typeof verifyWebhookSignature>[0]>) => verifyWebhookSignature({ secret: "s3cret-s3cret-s3cret", signature, timestamp: String(ts), rawBody: body, nowMs, ...o });
    expect(check({})).toBe(true);
    expect(check({ rawBody: body.replace("new", "old") })).toBe(false);
    expect(check({ secret: "another-secret-value" })).toBe(false);
    expect(check({ timestamp: String(ts + 1), nowMs })).toBe(false);
    expect(check({ nowMs: nowMs + 301_000 })).toBe(false);
    expect(check({ signature: undefined })).toBe(false);
    expect(check({ timestamp: "soon" })).toBe(false);
  });
});
