import { createHash } from "node:crypto";
import type { IntegrityProblem } from "@vigil/contracts";
import type { Database, Queryable } from "../storage/database.js";

/** The prev_hash of the chain's first row (migration 016). */
export const GENESIS_HASH = "0".repeat(64);

/** A point in the chain: a row's seq and stored hash (seq 0: before the first row). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

export interface AuditChainResult {
  rows: number;
  fromSeq: number;
  toSeq: number;
  head: ChainPoint;
  /** The last row walked (the next incremental check starts after it). */
  last: ChainPoint;
  problems: IntegrityProblem[];
}

interface FlaggedRow {
  id: number;
  seq: number;
  ts: string;
  action: string;
  prev_hash: string;
  hash: string;
  intact: boolean;
  details: { removedThroughSeq?: unknown; anchorHash?: unknown } | null;
  p_seq: number | null;
  p_hash: string | null;
  p_id: number | null;
  p_ts: string | null;
}

// The content the chain covers, as migration 016's audit_row_content() builds it, written out here so
// a replaced function cannot make a verification pass; the hash is recomputed over it (PostgreSQL's
// sha256, next to the data: a million rows need not travel to be hashed).
const CONTENT = `jsonb_build_object(
    'id', id, 'seq', seq, 'ts', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'username', username, 'action', action, 'target', target, 'details', details, 'ip', ip)::text`;

/** The same hash, for rows already read (case exports, `npm run verify-export`). */
export function auditRowHash(prevHash: string, content: string): string {
  return createHash("sha256").update(prevHash).update(content).digest("hex");
}

/**
 * Walks the audit chain in seq order from its start (genesis, or the newest retention anchor) or, for
 * an incremental check, from a point verified before; every problem is reported with the row's id, seq
 * and time. One pass in the database compares each row with its predecessor and recomputes its hash;
 * only rows that break something (and retention records) come back. Reads one consistent snapshot
 * (REPEATABLE READ), so rows appended meanwhile neither count nor break the head comparison.
 */
export async function verifyAuditChain(db: Database, o: { after?: ChainPoint; onProblem: (p: IntegrityProblem) => void }): Promise<AuditChainResult> {
  return db.transaction(async (tx) => {
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const head = (await tx.query<ChainPoint>("SELECT seq, hash FROM audit_chain_head WHERE only_row")).rows[0] ?? { seq: 0, hash: GENESIS_HASH };
    const anchor = (await tx.query<ChainPoint>("SELECT seq, hash FROM audit_chain_anchor ORDER BY seq DESC LIMIT 1")).rows[0];
    const start: ChainPoint = o.after ?? anchor ?? { seq: 0, hash: GENESIS_HASH };
    const counted = (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE seq > $1", [start.seq])).rows[0]?.n ?? 0;
    const newest = (await tx.query<{ id: number; seq: number; ts: string; hash: string }>("SELECT id, seq, ts, hash FROM audit_log WHERE seq > $1 ORDER BY seq DESC LIMIT 1", [start.seq])).rows[0];
    const { rows } = await tx.query<FlaggedRow>(
      `WITH w AS (
         SELECT id, seq, ts, action, prev_hash, hash,
                CASE WHEN action = 'audit.retention' THEN details END AS details,
                encode(sha256(convert_to(prev_hash || ${CONTENT}, 'UTF8')), 'hex') = hash AS intact,
                lag(seq) OVER o AS p_seq, lag(hash) OVER o AS p_hash, lag(id) OVER o AS p_id, lag(ts) OVER o AS p_ts
           FROM audit_log WHERE seq > $1 WINDOW o AS (ORDER BY seq))
       SELECT * FROM w
        WHERE NOT intact OR p_seq IS NULL OR seq <> p_seq + 1 OR prev_hash <> p_hash OR action = 'audit.retention'
        ORDER BY seq`,
      [start.seq],
    );
    let anchorConfirmed = !anchor || !!o.after;
    for (const r of rows) {
      const prev = r.p_seq === null ? { seq: start.seq, hash: start.hash, id: undefined, ts: undefined } : { seq: r.p_seq, hash: r.p_hash!, id: r.p_id!, ts: r.p_ts! };
      if (r.seq !== prev.seq + 1) {
        const count = r.seq - prev.seq - 1;
        o.onProblem({
          kind: "audit_rows_missing",
          seq: prev.seq + 1,
          rowId: r.id,
          at: prev.ts ?? r.ts,
          message: `${count} audit row${count === 1 ? "" : "s"} missing: seq ${prev.seq + 1}${count > 1 ? `–${r.seq - 1}` : ""}, ` +
            `${prev.id === undefined ? `before row id ${r.id} (${r.ts})` : `between row id ${prev.id} (${prev.ts}) and row id ${r.id} (${r.ts})`}`,
        });
      } else if (r.prev_hash !== prev.hash) {
        o.onProblem({ kind: "audit_link_broken", rowId: r.id, seq: r.seq, at: r.ts, message: `audit row id ${r.id} (seq ${r.seq}, ${r.ts}) does not follow the row before it: its prev_hash is not that row's hash (a hash rewritten, or rows reordered)` });
      }
      if (!r.intact) {
        o.onProblem({ kind: "audit_row_altered", rowId: r.id, seq: r.seq, at: r.ts, message: `audit row id ${r.id} (seq ${r.seq}, ${r.ts}, ${r.action}) was changed after it was written: its content no longer gives its hash` });
      }
      if (anchor && r.action === "audit.retention" && r.details?.removedThroughSeq === anchor.seq && r.details.anchorHash === anchor.hash) anchorConfirmed = true;
    }
    const last = newest ? { seq: newest.seq, hash: newest.hash } : start;
    if (head.seq !== last.seq || head.hash !== last.hash) {
      const missing = head.seq > last.seq ? ` — the newest ${head.seq - last.seq} row(s) (seq ${last.seq + 1}–${head.seq}) are gone` : "";
      o.onProblem({
        kind: "audit_head_mismatch",
        seq: head.seq,
        ...(newest ? { rowId: newest.id, at: newest.ts } : {}),
        message: `the chain head (seq ${head.seq}) does not match the newest audit row (seq ${last.seq}${newest ? `, id ${newest.id}` : ""})${missing}`,
      });
    }
    if (!anchorConfirmed) {
      o.onProblem({ kind: "audit_anchor", seq: anchor!.seq, message: `the chain starts after seq ${anchor!.seq} (a retention anchor) but no audit.retention row records that removal: rows may have been removed outside retention` });
    }
    return { rows: counted, fromSeq: start.seq + 1, toSeq: last.seq, head, last, problems: [] };
  });
}

/**
 * Audit retention (AUDIT_RETENTION_DAYS, longer than the plate reads' by default): removes the oldest
 * rows as a prefix of the chain through migration 016's function, which records the anchor the chain
 * then starts from. Returns how many rows went.
 */
export async function applyAuditRetention(db: Queryable, retentionDays: number, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - retentionDays * 86_400_000).toISOString();
  const { rows } = await db.query<{ n: number }>("SELECT audit_apply_retention($1::timestamptz)::int AS n", [cutoff]);
  return rows[0]?.n ?? 0;
}
