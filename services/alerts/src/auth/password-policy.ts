import { COMMON_BASE_WORDS, COMMON_PASSWORDS } from "./common-passwords.js";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** Fewer different characters than this (`aaaaaaaaaa`, `1212121212`) is a pattern, not a secret. */
const MIN_DISTINCT_CHARACTERS = 4;

export type PasswordRule = "too_short" | "too_long" | "repetitive" | "sequence" | "contains_username" | "common";

export interface PasswordProblem {
  rule: PasswordRule;
  /** English, for API clients; the console shows its own text for each rule. */
  message: string;
}

const MESSAGES: Record<PasswordRule, string> = {
  too_short: `the password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
  too_long: `the password must be at most ${PASSWORD_MAX_LENGTH} characters long`,
  repetitive: `the password uses too few different characters (e.g. "aaaaaaaaaa"); use at least ${MIN_DISTINCT_CHARACTERS} different ones`,
  sequence: 'the password is a keyboard or alphabet run (e.g. "1234567890", "qwertyuiop")',
  contains_username: "the password must not be or contain the username",
  common: "the password is one of the most common passwords; choose one that is harder to guess",
};

// Runs a person types without thinking; a password that is one stretch of these is guessed first.
const RUNS = ["01234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgb"];
const RUNS_BOTH_WAYS = [...RUNS, ...RUNS.map((r) => [...r].reverse().join(""))];

/**
 * Why `password` may not be used for `username`, or null when it may (ASVS 2.1: length, breached
 * and context-specific words). The same rules apply at creation and at a reset; length is counted
 * in characters, not bytes, so Vietnamese pass phrases count as typed.
 */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  const problem = (rule: PasswordRule): PasswordProblem => ({ rule, message: MESSAGES[rule] });
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return problem("too_short");
  if (length > PASSWORD_MAX_LENGTH) return problem("too_long");
  const lower = password.toLowerCase();
  if (new Set(lower).size < MIN_DISTINCT_CHARACTERS) return problem("repetitive");
  if (RUNS_BOTH_WAYS.some((run) => run.includes(lower))) return problem("sequence");
  const name = username.trim().toLowerCase();
  if (name && lower.includes(name)) return problem("contains_username");
  // "Password2024!", "admin@123456": a listed word with digits or symbols around it.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  if (COMMON_PASSWORDS.has(lower) || COMMON_BASE_WORDS.has(core)) return problem("common");
  return null;
}
