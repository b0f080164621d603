import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// scrypt with N=2^15, r=8, p=1 (OWASP's minimum for scrypt); ~50 ms and 32 MiB per hash.
const PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;

/**
 * At most this many hashes at once. scrypt runs on libuv's pool (4 threads by default), which file
 * reads, DNS and zlib share: 40 simultaneous logins filled it and pushed `GET /` to 6 s. The rest wait
 * their turn in a queue instead of taking every thread.
 */
export const MAX_CONCURRENT_HASHES = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function withHashSlot<T>(fn: () => Promise<T>): Promise<T> {
  // A finished hash hands its slot straight to the next in line, so the count never goes over.
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function scryptAsync(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return withHashSlot(() => new Promise((resolve, reject) => scrypt(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)))));
}

/** Hashes running and waiting now (for tests and metrics). */
export function hashLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

/** `scrypt$N$r$p$salt$hash` (base64url) so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LEN, { ...params, maxmem: 128 * params.N * params.r * 2 });
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** How long a password check takes here (exponential average of real checks, queueing included). */
let typicalCheckMs = 60;

/**
 * Waits about as long as a real password check, spending no hash: the answer for an unknown or
 * disabled account takes the same time as a wrong password (no username probing by timing), and a
 * flood of made-up usernames cannot fill the hash slots that real users' logins need.
 */
export async function waitLikeAPasswordCheck(): Promise<void> {
  const jitter = 0.9 + Math.random() * 0.2;
  await new Promise((r) => setTimeout(r, typicalCheckMs * jitter));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const started = performance.now();
  try {
    return await checkPassword(password, stored);
  } finally {
    typicalCheckMs = 0.8 * typicalCheckMs + 0.2 * Math.min(10_000, performance.now() - started);
  }
}

async function checkPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const expected = Buffer.from(parts[5]!, "base64url");
  const key = await scryptAsync(password, Buffer.from(parts[4]!, "base64url"), expected.length, { N, r, p, maxmem: 128 * N * r * 2 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A human-typable random password (for the generated first-admin password outside production). */
export function generatePassword(): string {
  return randomBytes(12).toString("base64url");
}
