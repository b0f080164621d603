import { createHash } from "node:crypto";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/** What repositories need from a database: parameterised queries, and transactions. */
export interface QueryOptions {
  /**
   * Plan this execution for its actual parameter values (an unnamed statement). Needed where a plan
   * depends on a value, e.g. `LIKE 'ABC%'` using a btree prefix index; everything else reuses a
   * cached generic plan.
   */
  oneShot?: boolean;
}

/** What repositories need from a database: parameterised queries, and transactions. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<{ rows: R[] }>;
}

export interface Database extends Queryable {
  readonly kind: "pg" | "pglite";
  /** Runs several statements at once (migrations); no parameters. */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` while holding a session-level advisory lock (no-op lock on PGlite, which is single-process). */
  withAdvisoryLock<T>(key: number, fn: (db: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` only if the session-level advisory lock is free, holding it meanwhile; when another
   * session holds it, returns `{ ran: false }` at once (a job that one instance of several should run).
   */
  tryWithAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  close(): Promise<void>;
}

// The trigram operator `%` (fuzzy plate candidates) uses this threshold: one genuinely different
// character in an 8-character plate scores 0.5, so 0.45 keeps those and drops unrelated plates.
// Sent in the startup packet, so every pooled connection has them before its first query.
const SESSION_OPTIONS = "-c plan_cache_mode=force_generic_plan -c pg_trgm.similarity_threshold=0.45";

// Timestamps come back as ISO strings in both adapters, so rows map the same way whichever DB runs.
const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;

/**
 * Parameterised queries run as named prepared statements (one per SQL text, per connection): after a
 * few executions PostgreSQL can reuse a generic plan, which matters for plate_reads — planning a
 * query over ~100 day partitions costs more than running it.
 */
function statement(sql: string, params?: unknown[], options?: QueryOptions): pg.QueryConfig {
  if (!params?.length) return { text: sql };
  if (options?.oneShot) return { text: sql, values: params };
  return { name: `v_${createHash("sha1").update(sql).digest("hex").slice(0, 20)}`, text: sql, values: params };
}

export function createPgDatabase(url: string, options: { max?: number } = {}): Database {
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === TIMESTAMPTZ_OID) return (v: string) => new Date(v).toISOString();
      if (oid === INT8_OID) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  } as pg.CustomTypesConfig;
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5_000, types, options: SESSION_OPTIONS });
  // A dropped connection (database restarted) must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  return {
    kind: "pg",
    async query<R>(sql: string, params?: unknown[], options?: QueryOptions) {
      const res = await pool.query(statement(sql, params, options));
      return { rows: res.rows as R[] };
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({ query: async <R>(s: string, p?: unknown[], o?: QueryOptions) => ({ rows: (await client.query(statement(s, p, o))).rows as R[] }) });
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
            query: async <R>(s: string, p?: unknown[], o?: QueryOptions) => ({ rows: (await client.query(statement(s, p, o))).rows as R[] }),
            exec: async (s: string) => void (await client.query(s)),
          });
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [key]).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    async tryWithAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [key]);
        if (!rows[0]?.locked) return { ran: false };
        try {
          return { ran: true, value: await fn() };
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
  await db.exec("SET pg_trgm.similarity_threshold = 0.45");
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
    tryWithAdvisoryLock: async (_key, fn) => ({ ran: true, value: await fn() }),
    async close() {
      await db.close();
    },
  };
}
