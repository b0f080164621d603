import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "./passwords.js";

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
