import { describe, expect, it } from "vitest";
import { generatePassword, hashLoad, hashPassword, MAX_CONCURRENT_HASHES, verifyPassword } from "./passwords.js";

const FAST = { N: 1 << 10, r: 8, p: 1 };

describe("scrypt password hashes", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse battery", FAST);
    expect(hash.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
  });
  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same", FAST), hashPassword("same", FAST)]);
    expect(a).not.toBe(b);
  });
  it("rejects malformed stored hashes instead of throwing", async () => {
    for (const bad of ["", "plain", "scrypt$x$8$1$a$b", "bcrypt$1$2$3$4$5"]) expect(await verifyPassword("pw", bad)).toBe(false);
  });
  it("uses the default OWASP parameters", async () => {
    const hash = await hashPassword("pw");
    expect(hash.split("$").slice(1, 4)).toEqual(["32768", "8", "1"]);
    expect(await verifyPassword("pw", hash)).toBe(true);
  });
  it("generates distinct random passwords", () => {
    const p = generatePassword();
    expect(p).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(generatePassword()).not.toBe(p);
  });
});

describe("hashing concurrency bound", () => {
  it("never runs more than MAX_CONCURRENT_HASHES scrypt hashes at once; the rest wait and all finish", async () => {
    const cheap = { N: 1 << 12, r: 8, p: 1 };
    let peak = 0;
    const watcher = setInterval(() => (peak = Math.max(peak, hashLoad().running)), 1);
    const hashes = await Promise.all(Array.from({ length: 12 }, (_, i) => hashPassword(`password-number-${i}`, cheap)));
    clearInterval(watcher);
    expect(new Set(hashes).size).toBe(12);
    expect(peak).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
    expect(peak).toBeGreaterThan(0);
    expect(hashLoad()).toEqual({ running: 0, waiting: 0 });
    expect(await verifyPassword("password-number-3", hashes[3]!)).toBe(true);
  });
});
