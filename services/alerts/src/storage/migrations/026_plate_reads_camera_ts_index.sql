-- Back from 004, for unit scoping (#18): a user who sees few cameras (a commune: 2 of 220) gets a page
-- of browse or contains results from each of those cameras' newest reads, one index range per camera,
-- instead of walking the time index through every other unit's reads (plate-reads-repository.ts
-- `search`). With id in it, the index is in the search's full order (ts, id): each camera's scan stops
-- after a page, with no sort, whatever the planner guesses of a camera's rows. A camera filter
-- (cameraId) reads through it too. Ingest pays one more index entry per read.
CREATE INDEX IF NOT EXISTS plate_reads_camera_ts_idx ON plate_reads (camera_id, ts DESC, id DESC);
