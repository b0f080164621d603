import type { Unit } from "@vigil/contracts";
import type { Database, Queryable } from "./database.js";
import { cameraUnitSql } from "../units/unit-scope.js";

interface UnitRow {
  id: string;
  name: string;
  parent_id: string | null;
}

const toUnit = (r: UnitRow): Unit => ({ id: r.id, name: r.name, parentId: r.parent_id });

/** What a unit still holds: a unit is removed only when all of it is empty. Ids are the first few of each. */
export interface UnitContents {
  children: string[];
  cameras: string[];
  users: string[];
  watchlistEntries: number;
}

export interface UnitsRepository {
  list(): Promise<Unit[]>;
  /** Returns false when the id is taken. */
  create(unit: { id: string; name: string; parentId: string }): Promise<boolean>;
  update(id: string, change: { name?: string; parentId?: string }): Promise<Unit | null>;
  remove(id: string): Promise<boolean>;
  contents(id: string): Promise<UnitContents>;
  /** The units an alert belongs to: its camera's, and its watchlist entry's (when it has one). */
  alertUnits(cameraId: string, watchlistId: string | undefined): Promise<{ camera: string | null; watchlist: string | null }>;
  /** Whether an evidence file is an alert's that these units see through its watchlist entry or assignment. */
  alertMediaInUnits(mediaPath: string, units: string[]): Promise<boolean>;
  /**
   * Runs `fn` in one transaction holding the units table's write lock: two admins moving units at
   * once each see the other's move before checking for a cycle.
   */
  exclusively<T>(fn: (tx: UnitsRepository) => Promise<T>): Promise<T>;
}

const FIRST = 20;

export function createUnitsRepository(db: Queryable & Partial<Pick<Database, "transaction">>): UnitsRepository {
  const repo: UnitsRepository = {
    async list() {
      const { rows } = await db.query<UnitRow>("SELECT id, name, parent_id FROM units ORDER BY id");
      return rows.map(toUnit);
    },
    async create(u) {
      const { rows } = await db.query("INSERT INTO units (id, name, parent_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id", [u.id, u.name, u.parentId]);
      return rows.length > 0;
    },
    async update(id, change) {
      const { rows } = await db.query<UnitRow>(
        "UPDATE units SET name = coalesce($2, name), parent_id = coalesce($3, parent_id), updated_at = now() WHERE id = $1 RETURNING id, name, parent_id",
        [id, change.name ?? null, change.parentId ?? null],
      );
      return rows[0] ? toUnit(rows[0]) : null;
    },
    async remove(id) {
      const { rows } = await db.query("DELETE FROM units WHERE id = $1 RETURNING id", [id]);
      return rows.length > 0;
    },
    async contents(id) {
      const ids = async (sql: string) => (await db.query<{ id: string }>(sql, [id, FIRST])).rows.map((r) => r.id);
      const [children, cameras, users, watch] = await Promise.all([
        ids("SELECT id FROM units WHERE parent_id = $1 ORDER BY id LIMIT $2"),
        ids(`SELECT id FROM cameras WHERE ${cameraUnitSql()} = $1 ORDER BY id LIMIT $2`),
        ids("SELECT username AS id FROM users WHERE unit_id = $1 ORDER BY lower(username) LIMIT $2"),
        db.query<{ n: number }>("SELECT count(*)::int AS n FROM watchlist WHERE unit_id = $1 AND deleted_at IS NULL", [id]),
      ]);
      return { children, cameras, users, watchlistEntries: watch.rows[0]?.n ?? 0 };
    },
    async alertUnits(cameraId, watchlistId) {
      const { rows } = await db.query<{ camera: string | null; watchlist: string | null }>(
        `SELECT (SELECT ${cameraUnitSql()} FROM cameras WHERE id = $1) AS camera,
                (SELECT unit_id FROM watchlist WHERE id = $2::uuid) AS watchlist`,
        [cameraId, watchlistId ?? null],
      );
      return rows[0] ?? { camera: null, watchlist: null };
    },
    async alertMediaInUnits(mediaPath, units) {
      const { rows } = await db.query(
        `SELECT 1 FROM alerts a WHERE (a.snapshot = $1 OR a.crop = $1)
            AND (a.assigned_unit_id = ANY($2::text[]) OR a.watchlist_id IN (SELECT id FROM watchlist WHERE unit_id = ANY($2::text[]))) LIMIT 1`,
        [mediaPath, units],
      );
      return rows.length > 0;
    },
    async exclusively(fn) {
      if (!db.transaction) return fn(repo);
      return db.transaction(async (tx) => {
        await tx.query("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE");
        return fn(createUnitsRepository(tx));
      });
    },
  };
  return repo;
}
