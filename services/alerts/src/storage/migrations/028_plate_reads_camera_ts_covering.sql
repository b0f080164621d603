-- #18: the per-camera index of 026 carries the columns a search returns, so a scope of few cameras
-- (a commune: 2 of 220) reads its page from the index alone. Without them each row was a heap
-- fetch on its own page — a camera's reads lie scattered among every other camera's — and a
-- commune's one-day browse cost ~0.2 ms per camera more than the province's page of 51 contiguous
-- rows (BENCHMARKS.md, alerts-scope). Past days' partitions are all-visible once autovacuum has
-- seen them, so their scans touch no heap; today's still does for rows not yet vacuumed. The index
-- replaces 026's (same keys): ingest still writes one entry per read, a wider one.
CREATE INDEX IF NOT EXISTS plate_reads_camera_ts_cover_idx ON plate_reads (camera_id, ts DESC, id DESC)
  INCLUDE (plate, display, rows, confidence, bbox, snapshot, crop, snapshot_sha256, crop_sha256);
DROP INDEX IF EXISTS plate_reads_camera_ts_idx;
