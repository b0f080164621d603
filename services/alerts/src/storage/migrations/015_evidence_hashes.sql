-- Evidence hashes (#19): the SHA-256 that inference took of each evidence file as it wrote it, beside
-- the file's path wherever the path is kept, and one table from path to hash that the /media route and
-- `npm run verify` check the file's bytes against. Rows from before this migration have no hash: their
-- files are served as before.
ALTER TABLE plate_reads
  ADD COLUMN IF NOT EXISTS snapshot_sha256 text,
  ADD COLUMN IF NOT EXISTS crop_sha256 text;
ALTER TABLE plate_read_revisions
  ADD COLUMN IF NOT EXISTS snapshot_sha256 text,
  ADD COLUMN IF NOT EXISTS crop_sha256 text;
ALTER TABLE alerts
  ADD COLUMN IF NOT EXISTS snapshot_sha256 text,
  ADD COLUMN IF NOT EXISTS crop_sha256 text;

-- One row per evidence file: its /media path (which a revision never reuses: each revision has its own
-- file) and the hash its writer recorded. The first hash recorded for a path stays: a later message
-- claiming other bytes for the same file is not allowed to rewrite what the evidence was.
CREATE TABLE IF NOT EXISTS media_hashes (
  path         text PRIMARY KEY,
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  event_id     uuid,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
-- The periodic self-check walks files recorded since its last pass.
CREATE INDEX IF NOT EXISTS media_hashes_recorded_idx ON media_hashes (recorded_at);
