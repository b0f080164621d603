import type { Database } from "./database.js";

const DAY_MS = 86_400_000;

/** `plate_reads_p20260131` for the UTC day holding `ts`. */
export function partitionName(dayStartMs: number): string {
  return `plate_reads_p${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll("-", "")}`;
}

export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export interface PartitionManagerOptions {
  /**
   * The event times (ms) for which a day partition may be created on demand; rows outside it go to the
   * DEFAULT partition. Without it any day may get one — including year 9999, whose partition bound
   * PostgreSQL cannot even represent (`time zone displacement out of range`).
   */
  onDemandWindow?(): { fromMs: number; toMs: number };
}

/**
 * Day partitions of `plate_reads` (native partitioning only; a TimescaleDB hypertable manages its own
 * chunks). Keeps a cache of days known to exist so the batch writer pays for a catalogue lookup only
 * the first time it sees a day.
 */
export function createPartitionManager(db: Database, options: PartitionManagerOptions = {}) {
  const known = new Set<number>();
  let timescale: boolean | undefined;

  async function isTimescale(): Promise<boolean> {
    if (timescale === undefined) {
      const { rows } = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
      timescale = rows.length > 0;
    }
    return timescale;
  }

  async function ensureDay(dayStart: number): Promise<void> {
    if (known.has(dayStart) || (await isTimescale())) return;
    const name = partitionName(dayStart);
    const from = new Date(dayStart).toISOString();
    const to = new Date(dayStart + DAY_MS).toISOString();
    try {
      await db.exec(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF plate_reads FOR VALUES FROM ('${from}') TO ('${to}')`);
    } catch (err) {
      // Another instance created it between our check and our CREATE, or rows for that day already sit
      // in the DEFAULT partition (then they simply stay there): either way inserts still succeed.
      if (!/already exists|would be violated by some row/i.test((err as Error).message)) throw err;
    }
    known.add(dayStart);
  }

  return {
    isTimescale,
    /** Makes sure every UTC day touched by `timestamps` (ms) has its partition. */
    async ensureFor(timestamps: Iterable<number>): Promise<void> {
      const window = options.onDemandWindow?.();
      const days = new Set<number>();
      for (const t of timestamps) {
        if (!Number.isFinite(t) || (window && (t < window.fromMs || t > window.toMs))) continue;
        days.add(utcDayStart(t));
      }
      for (const d of days) await ensureDay(d);
    },
    /** Creates today's partition and the next `daysAhead`. */
    async createAhead(now = Date.now(), daysAhead = 7): Promise<void> {
      const today = utcDayStart(now);
      for (let i = -1; i <= daysAhead; i++) await ensureDay(today + i * DAY_MS);
    },
    /** Drops day partitions wholly older than the retention window (and old rows in DEFAULT). */
    async applyRetention(retentionDays: number, now = Date.now()): Promise<string[]> {
      const cutoff = utcDayStart(now) - retentionDays * DAY_MS;
      // Superseded revisions (migration 007) follow the reads' retention.
      await db.query("DELETE FROM plate_read_revisions WHERE ts < $1", [new Date(cutoff).toISOString()]);
      if (await isTimescale()) {
        await db.query(`SELECT drop_chunks('plate_reads', older_than => $1::timestamptz)`, [new Date(cutoff).toISOString()]);
        return [];
      }
      const { rows } = await db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'plate_reads' AND c.relname ~ '^plate_reads_p[0-9]{8}$'`,
      );
      const dropped: string[] = [];
      for (const { name } of rows) {
        const m = /p(\d{4})(\d{2})(\d{2})$/.exec(name);
        if (!m) continue;
        const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
        if (day + DAY_MS <= cutoff) {
          await db.exec(`DROP TABLE IF EXISTS ${name}`);
          known.delete(day);
          dropped.push(name);
        }
      }
      await db.query("DELETE FROM plate_reads_default WHERE ts < $1", [new Date(cutoff).toISOString()]);
      return dropped;
    },
  };
}
export type PartitionManager = ReturnType<typeof createPartitionManager>;
