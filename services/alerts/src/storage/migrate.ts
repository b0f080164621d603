import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.js";

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));
/** Arbitrary but fixed: every alert-service instance serialises migrations on this key. */
const MIGRATION_LOCK_KEY = 0x56_49_47_31; // "VIG1"

export interface MigrationResult {
  applied: string[];
  current: number;
}

/**
 * Applies `migrations/NNN_name.sql` files not yet recorded in `schema_migrations`, each in its own
 * transaction, under an advisory lock so instances starting together do not race.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return db.withAdvisoryLock(MIGRATION_LOCK_KEY, async (conn) => {
    await conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    // Every version not yet recorded, not only those above the highest: a migration merged with a
    // lower number than one a database already has (branches landing out of order) still runs.
    const { rows } = await conn.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: string[] = [];
    let last = Math.max(0, ...done);
    for (const file of files) {
      const version = Number.parseInt(file, 10);
      if (done.has(version)) continue;
      const sql = await readFile(`${dir}${file}`, "utf8");
      await conn.exec("BEGIN");
      try {
        await conn.exec(sql);
        await conn.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [version, file]);
        await conn.exec("COMMIT");
      } catch (err) {
        await conn.exec("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
      last = Math.max(last, version);
    }
    return { applied, current: last };
  });
}
