import type { PlateEvent, PlateMatchMode, PlateRead, TrackPoint } from "@vigil/contracts";
import type { Database, Queryable } from "./database.js";
import type { PartitionManager } from "./partitions.js";
import { foldConfusables, plateSimilarity, toPlateKey } from "../watchlist/plate-keys.js";
import { cameraInUnitsSql, cameraUnitSql } from "../units/unit-scope.js";

interface PlateReadRow {
  id: string;
  ts: string;
  camera_id: string;
  plate: string;
  display: string;
  rows: number;
  confidence: number;
  bbox: number[];
  snapshot: string | null;
  crop: string | null;
  snapshot_sha256: string | null;
  crop_sha256: string | null;
}

const COLUMNS = "id, ts, camera_id, plate, display, rows, confidence, bbox, snapshot, crop, snapshot_sha256, crop_sha256";

/**
 * Row fields mapped alike for the API (`PlateRead`) and the watchlist matcher (`PlateEvent`). The two
 * differ in the rest: the API rounds the confidence and sends absent evidence as null, an event omits it.
 */
function readFields(r: PlateReadRow): Pick<PlateRead & PlateEvent, "id" | "cameraId" | "ts" | "plate" | "display" | "rows" | "bbox"> {
  return {
    id: r.id,
    cameraId: r.camera_id,
    ts: r.ts,
    plate: r.plate,
    display: r.display,
    rows: r.rows === 2 ? 2 : 1,
    bbox: [r.bbox[0] ?? 0, r.bbox[1] ?? 0, r.bbox[2] ?? 0, r.bbox[3] ?? 0],
  };
}

function toPlateRead(r: PlateReadRow, score?: number): PlateRead {
  return {
    ...readFields(r),
    confidence: Math.round(r.confidence * 1e4) / 1e4,
    snapshot: r.snapshot,
    crop: r.crop,
    ...(r.snapshot_sha256 ? { snapshotSha256: r.snapshot_sha256 } : {}),
    ...(r.crop_sha256 ? { cropSha256: r.crop_sha256 } : {}),
    ...(score === undefined ? {} : { score: Math.round(score * 1000) / 1000 }),
  };
}

/**
 * The camera locks a batch takes before it reads its cameras' units (migration 029 explains the race):
 * shared, one per camera, in key order; the trigger on `cameras` takes the same key exclusively.
 */
const CAMERA_UNIT_SHARED_LOCKS_SQL = `SELECT count(pg_advisory_xact_lock_shared(1447642931, k))::int AS n
   FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS t(id) ORDER BY k) keys`;

/** The batch's one statement (see `insertBatch`). */
function insertStatement(tx: Queryable, batch: PlateEvent[]) {
  const near = "p.id = i.id AND p.ts BETWEEN i.ts - interval '1 day' AND i.ts + interval '1 day'";
  return tx.query<{ id: string }>(
    `WITH incoming AS (
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[],
                            $8::real[], $9::text[], $10::int[], $11::text[], $12::text[], $13::int[], $14::text[], $15::text[])
         AS t(id, ts, camera_id, plate, plate_folded, display, rows, confidence, bbox, frames, snapshot, crop, revision, snapshot_sha256, crop_sha256)
     ), keys AS (
       INSERT INTO plate_keys (plate, plate_folded)
       SELECT DISTINCT plate, plate_folded FROM incoming ORDER BY plate ON CONFLICT DO NOTHING -- sorted: concurrent batches lock keys in one order
     ), superseded AS (
       INSERT INTO plate_read_revisions (id, ts, camera_id, plate, display, rows, confidence, bbox, frames, snapshot, crop, revision, received_at, snapshot_sha256, crop_sha256)
       SELECT p.id, p.ts, p.camera_id, p.plate, p.display, p.rows, p.confidence, p.bbox, p.frames, p.snapshot, p.crop, p.revision, p.received_at, p.snapshot_sha256, p.crop_sha256
         FROM plate_reads p JOIN incoming i ON ${near}
        WHERE i.revision > 0 AND p.revision < i.revision AND p.camera_id = i.camera_id
       ON CONFLICT DO NOTHING
     ), moved AS (
       DELETE FROM plate_reads p USING incoming i
        WHERE i.revision > 0 AND ${near} AND p.ts <> i.ts AND p.revision < i.revision AND p.camera_id = i.camera_id RETURNING p.id
     )
     INSERT INTO plate_reads (id, ts, camera_id, plate, plate_folded, display, rows, confidence, bbox, frames, snapshot, crop, revision, snapshot_sha256, crop_sha256, unit_id)
     SELECT i.id, i.ts, i.camera_id, i.plate, i.plate_folded, i.display, i.rows, i.confidence, i.bbox::real[], i.frames,
            i.snapshot, i.crop, i.revision, i.snapshot_sha256, i.crop_sha256,
            CASE WHEN c.id IS NULL THEN NULL ELSE ${cameraUnitSql("c")} END -- no such camera: no unit (as migration 029)
       FROM incoming i LEFT JOIN cameras c ON c.id = i.camera_id
      WHERE i.revision = 0 OR NOT EXISTS (
              SELECT 1 FROM plate_reads p WHERE ${near} AND p.ts <> i.ts AND (p.revision >= i.revision OR p.camera_id <> i.camera_id))
     ON CONFLICT (id, ts) DO UPDATE SET
       camera_id = excluded.camera_id, plate = excluded.plate, plate_folded = excluded.plate_folded,
       display = excluded.display, rows = excluded.rows, confidence = excluded.confidence, bbox = excluded.bbox,
       frames = excluded.frames, snapshot = excluded.snapshot, crop = excluded.crop, revision = excluded.revision,
       snapshot_sha256 = excluded.snapshot_sha256, crop_sha256 = excluded.crop_sha256, unit_id = excluded.unit_id,
       received_at = now()
      WHERE plate_reads.revision < excluded.revision AND plate_reads.camera_id = excluded.camera_id
     RETURNING id`,
    [
      batch.map((e) => e.id),
      batch.map((e) => e.ts),
      batch.map((e) => e.cameraId),
      batch.map((e) => e.plate),
      batch.map((e) => foldConfusables(e.plate)),
      batch.map((e) => e.display),
      batch.map((e) => e.rows),
      batch.map((e) => e.confidence),
      batch.map((e) => `{${e.bbox.join(",")}}`),
      batch.map((e) => e.frames),
      batch.map((e) => e.snapshot || null),
      batch.map((e) => e.crop || null),
      batch.map((e) => e.revision ?? 0),
      batch.map((e) => (e.snapshot && e.snapshotSha256) || null),
      batch.map((e) => (e.crop && e.cropSha256) || null),
    ],
  );
}

/** Keyset cursor over (ts, id) descending; opaque to clients. */
export function encodeCursor(ts: string, id: string): string {
  return Buffer.from(`${ts}|${id}`).toString("base64url");
}
export function decodeCursor(cursor: string): { ts: string; id: string } | null {
  const [ts, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!ts || !id || Number.isNaN(Date.parse(ts)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { ts, id };
}

export interface PlateSearch {
  /** Absent: every read inside from/to (and cameraId), newest first. */
  q?: string;
  match: PlateMatchMode;
  from?: string;
  to?: string;
  cameraId?: string;
  limit: number;
  cursor?: { ts: string; id: string };
  fuzzyThreshold: number;
  /** Only reads of cameras of these units (a user's scope, unit-scope.ts); absent or null: every read. */
  units?: string[] | null;
}

/**
 * Keeps the highest revision of each event id (ON CONFLICT cannot touch a row twice in one statement),
 * with the rules the table applies: the first message of a revision wins over a copy sent later, and
 * only the camera that made a read revises it.
 */
export function latestRevisions(events: PlateEvent[]): PlateEvent[] {
  const byId = new Map<string, PlateEvent>();
  for (const e of events) {
    const prev = byId.get(e.id);
    if (!prev || ((e.revision ?? 0) > (prev.revision ?? 0) && e.cameraId === prev.cameraId)) byId.set(e.id, e);
  }
  return [...byId.values()];
}

/**
 * The largest scope, in units, whose browse and contains searches read one unit at a time (see
 * `search`). Every read in a unit's (unit_id, ts) range belongs to the scope, so reading per unit
 * costs one index descent per unit and partition, however many cameras a unit has; the plain walk
 * costs with 1 / the scope's share of reads. A district of 11 units reads faster per unit on the
 * alerts-scope data (BENCHMARKS.md "alerts-scope"); 24 takes in a district with twice its communes.
 */
export const PER_UNIT_MAX_UNITS = 24;

export interface PlateReadsRepositoryOptions {
  /** Overrides PER_UNIT_MAX_UNITS: 0 never reads per unit, Infinity always does (tests compare the two). */
  perUnitMaxUnits?: number;
}

export function createPlateReadsRepository(db: Database, partitions: PartitionManager, options: PlateReadsRepositoryOptions = {}) {
  const perUnitMax = options.perUnitMaxUnits ?? PER_UNIT_MAX_UNITS;

  /** Plate keys ever read whose folded form is trigram-similar to the query's (at most 500). */
  async function similarKeys(key: string): Promise<string[]> {
    const { rows } = await db.query<{ plate: string }>(
      "SELECT plate FROM plate_keys WHERE plate_folded % $1 ORDER BY similarity(plate_folded, $1) DESC LIMIT 500",
      [foldConfusables(key)],
    );
    return rows.map((r) => r.plate);
  }

  /** A vehicle's reads in time order with their camera's name and position (at most 5000), within `units` (null: all). */
  async function trackRows(plate: string, from?: string, to?: string, units?: string[] | null) {
    const key = toPlateKey(plate);
    const { rows } = await db.query<PlateReadRow & { name: string | null; lat: number | null; lon: number | null }>(
      `SELECT ${COLUMNS.split(", ").map((c) => `r.${c}`).join(", ")}, c.config->>'name' AS name,
              (c.config->>'lat')::float8 AS lat, (c.config->>'lon')::float8 AS lon
         FROM plate_reads r LEFT JOIN cameras c ON c.id = r.camera_id
        WHERE r.plate = $1 AND ($2::timestamptz IS NULL OR r.ts >= $2) AND ($3::timestamptz IS NULL OR r.ts <= $3)
          AND ($4::text[] IS NULL OR ${cameraInUnitsSql("r.camera_id", "$4")})
        ORDER BY r.ts ASC LIMIT 5000`,
      [key, from ?? null, to ?? null, units ?? null],
    );
    return { key, rows };
  }

  return {
    /**
     * Stores a batch in one statement; reads are immutable. Idempotent by event id: a redelivery — or
     * anyone re-sending an existing id + ts — changes nothing (counted as a duplicate). A higher
     * revision from the same camera becomes the current row (even when its timestamp moved, by up to
     * a day, into another partition) and the row it supersedes is appended to plate_read_revisions; a
     * lower or equal one is ignored. First readings (revision 0) skip the look-up of earlier revisions.
     * Each read gets its camera's unit (`unit_id`, migration 029), under the camera's shared lock: a
     * camera changing unit meanwhile waits for this batch and then rewrites its reads too.
     */
    async insertBatch(events: PlateEvent[]): Promise<{ stored: number; duplicates: number }> {
      const batch = latestRevisions(events);
      if (!batch.length) return { stored: 0, duplicates: events.length };
      await partitions.ensureFor(batch.map((e) => Date.parse(e.ts)));
      const rows = await db.transaction(async (tx) => {
        await tx.query(CAMERA_UNIT_SHARED_LOCKS_SQL, [[...new Set(batch.map((e) => e.cameraId))]]);
        return (await insertStatement(tx, batch)).rows;
      });
      return { stored: rows.length, duplicates: events.length - rows.length };
    },

    async search(s: PlateSearch): Promise<{ items: PlateRead[]; nextCursor: string | null }> {
      const key = s.q === undefined ? "" : toPlateKey(s.q);
      const match = s.q === undefined ? "browse" : s.match;
      const params: unknown[] = [];
      const p = (v: unknown) => `$${params.push(v)}`;
      const where: string[] = ["true"];
      switch (match) {
        case "browse":
          break;
        case "exact":
          where.push(`plate = ${p(key)}`);
          break;
        case "prefix":
          // Inlined (safe: a key is [A-Z0-9] only) so even a generic plan can use the btree prefix index.
          where.push(`plate LIKE '${key.replace(/[^A-Z0-9]/g, "")}%'`);
          break;
        case "contains":
          where.push(`plate LIKE ${p(`%${key}%`)}`);
          break;
        case "fuzzy":
          // Similar keys first, from plate_keys (confusion-folded trigram match: OCR look-alikes cost
          // nothing, one genuinely different character still qualifies); then their reads through the
          // exact-plate index. The plate module's similarity ranks and filters them below.
          where.push(`plate = ANY(${p(await similarKeys(key))}::text[])`);
          break;
      }
      if (s.from) where.push(`ts >= ${p(s.from)}`);
      if (s.to) where.push(`ts <= ${p(s.to)}`);
      if (s.cameraId) where.push(`camera_id = ${p(s.cameraId)}`);
      if (s.cursor) where.push(`(ts, id) < (${p(s.cursor.ts)}::timestamptz, ${p(s.cursor.id)}::uuid)`);
      const fetch = match === "fuzzy" ? s.limit * 4 : s.limit + 1;
      const order = `ORDER BY ts DESC, id DESC LIMIT ${fetch}`;
      // The scope is the read's own unit (migration 029: a read's unit is its camera's, kept so by
      // the database; a read of no known camera has none and is in no unit's scope).
      // Browse, contains and a short prefix find their page by walking the time index newest first.
      // For a scope of few units (a commune: 2 cameras of 220) most of what that walk reads is other
      // units' reads, so its cost grows with 1 / (the scope's share of reads). Instead: one unit's
      // page is its (unit_id, ts) index range; several units each give their newest `fetch` matches
      // from theirs, and the newest `fetch` of those are the page — the same rows in the same order,
      // as (ts, id) is unique. A single camera (cameraId) reads through the (camera_id, ts) index;
      // exact, fuzzy and a long prefix start from the plate indexes, where the scope only drops a
      // few rows found.
      const walksTime = match === "browse" || match === "contains" || (match === "prefix" && key.length < 4);
      let sql: string;
      if (s.units && walksTime && !s.cameraId && s.units.length > 0 && s.units.length <= perUnitMax) {
        const perUnit = (unit: string) => `SELECT ${COLUMNS} FROM plate_reads WHERE unit_id = ${unit} AND ${where.join(" AND ")} ${order}`;
        sql =
          s.units.length === 1
            ? perUnit(p(s.units[0]))
            : `SELECT r.* FROM (SELECT DISTINCT unnest(${p(s.units)}::text[]) AS unit) su
                CROSS JOIN LATERAL (${perUnit("su.unit")}) r ORDER BY r.ts DESC, r.id DESC LIMIT ${fetch}`;
      } else {
        if (s.units) where.push(`unit_id = ANY(${p(s.units)}::text[])`);
        const select = `SELECT ${COLUMNS} FROM plate_reads WHERE ${where.join(" AND ")}`;
        // A prefix of 4+ characters matches few rows: collect them through the prefix index first, or the
        // planner may walk the time index backwards through millions of rows looking for them.
        sql = match === "prefix" && key.length >= 4 ? `WITH c AS MATERIALIZED (${select}) SELECT * FROM c ${order}` : `${select} ${order}`;
      }
      // Each prefix is its own SQL text: run it unnamed rather than caching one statement per prefix.
      const { rows } = await db.query<PlateReadRow>(sql, params, { oneShot: match === "prefix" });
      if (match !== "fuzzy") {
        const more = rows.length > s.limit;
        const page = rows.slice(0, s.limit);
        const last = page.at(-1);
        return { items: page.map((r) => toPlateRead(r)), nextCursor: more && last ? encodeCursor(last.ts, last.id) : null };
      }
      const items: PlateRead[] = [];
      let lastSeen: PlateReadRow | undefined;
      for (const r of rows) {
        lastSeen = r;
        const score = plateSimilarity(key, r.plate);
        if (score >= s.fuzzyThreshold) items.push(toPlateRead(r, score));
        if (items.length === s.limit) break;
      }
      const more = rows.length === fetch || (items.length === s.limit && lastSeen !== rows.at(-1));
      return { items, nextCursor: more && lastSeen ? encodeCursor(lastSeen.ts, lastSeen.id) : null };
    },

    /** `units`: only sightings at cameras of these units (a user's scope); absent or null: all. */
    async track(plate: string, from?: string, to?: string, units?: string[] | null): Promise<{ plate: string; display: string | null; points: TrackPoint[] }> {
      const { key, rows } = await trackRows(plate, from, to, units);
      return {
        plate: key,
        display: rows.at(-1)?.display ?? null,
        points: rows.map((r) => ({ ts: r.ts, cameraId: r.camera_id, cameraName: r.name, lat: r.lat, lon: r.lon, eventId: r.id, snapshot: r.snapshot })),
      };
    },

    /** The same sightings as `track` (same plate, window, scope and order), as full reads: what a track case export lists. */
    async trackReads(plate: string, from?: string, to?: string, units?: string[] | null): Promise<(PlateRead & { cameraName: string | null })[]> {
      const { rows } = await trackRows(plate, from, to, units);
      return rows.map((r) => ({ ...toPlateRead(r), cameraName: r.name }));
    },

    /** Reads since `sinceIso` that could match `plate` (exact, folded or trigram); the matcher decides. */
    async candidatesSince(plate: string, sinceIso: string): Promise<PlateEvent[]> {
      const key = toPlateKey(plate);
      const { rows } = await db.query<PlateReadRow & { frames: number; revision: number }>(
        `SELECT ${COLUMNS}, frames, revision FROM plate_reads WHERE ts >= $1 AND plate = ANY($2::text[]) ORDER BY ts ASC LIMIT 1000`,
        [sinceIso, [...new Set([key, ...(await similarKeys(key))])]],
      );
      return rows.map((r) => ({
        schemaVersion: 1,
        ...readFields(r),
        confidence: r.confidence,
        frames: r.frames,
        revision: r.revision,
        ...(r.snapshot ? { snapshot: r.snapshot } : {}),
        ...(r.crop ? { crop: r.crop } : {}),
        ...(r.snapshot && r.snapshot_sha256 ? { snapshotSha256: r.snapshot_sha256 } : {}),
        ...(r.crop && r.crop_sha256 ? { cropSha256: r.crop_sha256 } : {}),
      }));
    },

    async count(): Promise<number> {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads");
      return rows[0]?.n ?? 0;
    },
  };
}
export type PlateReadsRepository = ReturnType<typeof createPlateReadsRepository>;
