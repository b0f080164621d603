import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/** What repositories need from a database: parameterised queries, and transactions. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface Database extends Queryable {
  readonly kind: "pg" | "pglite";
  /** Runs several statements at once (migrations); no parameters. */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` while holding a session-level advisory lock (no-op lock on PGlite, which is single-process). */
  withAdvisoryLock<T>(key: number, fn: (db: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Timestamps come back as ISO strings in both adapters, so rows map the same way whichever DB runs.
const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;

export function createPgDatabase(url: string, options: { max?: number } = {}): Database {
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === TIMESTAMPTZ_OID) return (v: string) => new Date(v).toISOString();
      if (oid === INT8_OID) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  } as pg.CustomTypesConfig;
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5_000, types });
  // A dropped connection (database restarted) must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  return {
    kind: "pg",
    async query<R>(sql: string, params?: unknown[]) {
      const res = await pool.query(sql, params as unknown[]);
      return { rows: res.rows as R[] };
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({ query: async <R>(s: string, p?: unknown[]) => ({ rows: (await client.query(s, p as unknown[])).rows as R[] }) });
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [key]);
        try {
          return await fn({
            query: async <R>(s: string, p?: unknown[]) => ({ rows: (await client.query(s, p as unknown[])).rows as R[] }),
            exec: async (s: string) => void (await client.query(s)),
          });
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [key]).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Embedded PostgreSQL (WASM) persisting to `dir`, or in memory when `dir` is undefined. */
export async function createPgliteDatabase(dir?: string): Promise<Database> {
  const db = await PGlite.create(dir ? `file://${dir}` : undefined, {
    extensions: { pg_trgm },
    parsers: { [TIMESTAMPTZ_OID]: (v: string) => new Date(v).toISOString(), [INT8_OID]: (v: string) => Number(v) },
  });
  const asQueryable = (q: Pick<PGlite, "query">): Queryable => ({
    query: async <R>(s: string, p?: unknown[]) => ({ rows: (await q.query<R>(s, p as unknown[])).rows }),
  });
  return {
    kind: "pglite",
    ...asQueryable(db),
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(asQueryable(tx))),
    withAdvisoryLock: (_key, fn) => fn({ ...asQueryable(db), exec: async (s) => void (await db.exec(s)) }),
    async close() {
      await db.close();
    },
  };
}
