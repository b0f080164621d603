-- plate_reads: one row per vehicle track (event id). A TimescaleDB hypertable when the extension is
-- loaded; otherwise native range partitioning by day (day partitions are created ahead and on demand
-- by the service; the DEFAULT partition guarantees an insert never fails for want of a partition).
DO $$
DECLARE
  has_timescale boolean := EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
    AND current_setting('shared_preload_libraries', true) LIKE '%timescaledb%';
  cols text := $cols$
    id            uuid NOT NULL,
    ts            timestamptz NOT NULL,
    camera_id     text NOT NULL,
    plate         text NOT NULL,
    plate_folded  text NOT NULL,
    display       text NOT NULL,
    rows          smallint NOT NULL,
    confidence    real NOT NULL,
    bbox          real[] NOT NULL,
    frames        integer NOT NULL,
    snapshot      text,
    crop          text,
    revision      integer NOT NULL DEFAULT 0,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, ts)
  $cols$;
BEGIN
  IF has_timescale THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    EXECUTE format('CREATE TABLE plate_reads (%s)', cols);
    PERFORM create_hypertable('plate_reads', 'ts', chunk_time_interval => interval '1 day');
    EXECUTE 'ALTER TABLE plate_reads SET (timescaledb.compress, timescaledb.compress_segmentby = ''camera_id'')';
    PERFORM add_compression_policy('plate_reads', interval '7 days');
  ELSE
    EXECUTE format('CREATE TABLE plate_reads (%s) PARTITION BY RANGE (ts)', cols);
    EXECUTE 'CREATE TABLE plate_reads_default PARTITION OF plate_reads DEFAULT';
  END IF;
END $$;

-- exact: plate key; prefix: LIKE 'ABC%'; contains: trigram GIN; fuzzy: confusion-folded key + trigram.
CREATE INDEX plate_reads_plate_idx ON plate_reads (plate, ts DESC);
CREATE INDEX plate_reads_prefix_idx ON plate_reads (plate text_pattern_ops);
CREATE INDEX plate_reads_trgm_idx ON plate_reads USING gin (plate gin_trgm_ops);
CREATE INDEX plate_reads_folded_idx ON plate_reads (plate_folded, ts DESC);
CREATE INDEX plate_reads_ts_idx ON plate_reads (ts DESC);
CREATE INDEX plate_reads_camera_ts_idx ON plate_reads (camera_id, ts DESC);
-- A later revision of an event may carry another timestamp; this finds the earlier row by id.
CREATE INDEX plate_reads_id_idx ON plate_reads (id);
