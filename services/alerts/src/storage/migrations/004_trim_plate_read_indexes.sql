-- Every index on plate_reads costs ingest throughput. These are not needed any more:
--  ts / camera: day partitions already bound time scans, and camera is only ever an extra filter
--  (the ts index came back in 005);
--  id: a revision that moved its timestamp is found through the primary key (id, ts) within ±1 day;
--  plate_folded: fuzzy candidates come from plate_keys.
DROP INDEX IF EXISTS plate_reads_ts_idx;
DROP INDEX IF EXISTS plate_reads_camera_ts_idx;
DROP INDEX IF EXISTS plate_reads_id_idx;
DROP INDEX IF EXISTS plate_reads_folded_idx;
