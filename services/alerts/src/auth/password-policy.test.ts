import { describe, expect, it } from "vitest";
import { COMMON_PASSWORDS } from "./common-passwords.js";
import { passwordProblem } from "./password-policy.js";

const rule = (password: string, username = "nguyen.van_a") => passwordProblem(password, username)?.rule ?? null;

describe("password policy (issue 15, finding 8)", () => {
  it("accepts long, unguessable pass phrases, Vietnamese ones included", () => {
    expect(rule("correct-horse-battery")).toBeNull();
    expect(rule("đèn đỏ ngã tư 7 giờ")).toBeNull();
    expect(rule("operator-password-1", "operator1")).toBeNull();
  });

  it("needs 10 characters, counted as typed (not bytes)", () => {
    expect(rule("short-pw1")).toBe("too_short");
    expect(rule("ờờờờờ")).toBe("too_short"); // 5 characters, 15 bytes
    expect(rule("x".repeat(257))).toBe("too_long");
    expect(passwordProblem("short", "u")?.message).toMatch(/at least 10 characters/);
  });

  it("refuses one character repeated, and other patterns with too few different characters", () => {
    expect(rule("aaaaaaaaaa")).toBe("repetitive");
    expect(rule("AAAAAAAAAAAA")).toBe("repetitive");
    expect(rule("1212121212")).toBe("repetitive");
    expect(passwordProblem("aaaaaaaaaa", "u")?.message).toMatch(/different characters/);
  });

  it("refuses keyboard and alphabet runs, either way", () => {
    for (const p of ["1234567890", "0987654321", "qwertyuiop", "POIUYTREWQ", "abcdefghijk", "1qaz2wsx3edc"]) expect(rule(p), p).not.toBeNull();
    expect(rule("1234567890")).toBe("sequence");
  });

  it("refuses the username, or a password containing it, ignoring case", () => {
    expect(rule("nguyen.van_a", "nguyen.van_a")).toBe("contains_username");
    expect(rule("Nguyen.Van_A-2024", "nguyen.van_a")).toBe("contains_username");
    expect(rule("supervisor-password", "sup")).toBe("contains_username");
    expect(rule("TrucBan01xyz", "trucban01")).toBe("contains_username");
  });

  it("refuses the common-password list and listed words dressed up with digits or symbols", () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(100);
    expect(rule("password1234")).toBe("common");
    expect(rule("Password1234")).toBe("common");
    expect(rule("iloveyou123")).toBe("common");
    expect(rule("P@ssw0rd2024!")).toBe("common");
    expect(rule("admin@123456", "someone")).toBe("common");
    expect(rule("matkhau12345")).toBe("common");
    expect(passwordProblem("password1234", "u")?.message).toMatch(/most common/);
  });

  it("lists only passwords the other rules would let through", () => {
    const caughtElsewhere = [...COMMON_PASSWORDS].filter((p) => [...p].length < 10);
    expect(caughtElsewhere).toEqual([]);
  });
});
