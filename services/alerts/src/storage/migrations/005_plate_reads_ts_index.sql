-- Back from 004: "contains" searches over a time window read a day partition in time order and stop
-- after `limit` matches, which beats a trigram bitmap scan plus sort for common substrings (%123%).
-- Cheap on ingest: timestamps arrive nearly in order, so inserts hit the right-most leaf.
CREATE INDEX IF NOT EXISTS plate_reads_ts_idx ON plate_reads (ts DESC);
