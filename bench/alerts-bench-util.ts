import pg from "pg";

/** p50/p95/p99/max of a list of milliseconds. */
export function percentiles(ms: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(s.at(-1) ?? NaN) };
}

export const BENCH_PG_ADMIN_URL = process.env.VIGIL_BENCH_PG_URL ?? process.env.VIGIL_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database on the local server, created when missing (benchmarks keep theirs to reuse big data sets). */
export async function ensureDatabase(name: string, fresh = false): Promise<string> {
  const admin = new pg.Client({ connectionString: BENCH_PG_ADMIN_URL });
  await admin.connect();
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const { rows } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rows.length) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(BENCH_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: BENCH_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function verdict(value: number, limit: number, lowerIsBetter = true): string {
  const ok = lowerIsBetter ? value <= limit : value >= limit;
  return ok ? "PASS" : "MISS";
}
