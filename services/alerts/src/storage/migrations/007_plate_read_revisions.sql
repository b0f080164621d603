-- Reads are evidence: a stored read is never changed in place by another message. A later revision of
-- the same track (inference re-publishes a better reading under the same id, from the same camera)
-- becomes the current row of plate_reads, and the row it supersedes is appended here, so what was read
-- first stays on record. Re-sending an existing id + ts with the same or a lower revision changes nothing.
CREATE TABLE IF NOT EXISTS plate_read_revisions (
  id             uuid NOT NULL,
  ts             timestamptz NOT NULL,
  camera_id      text NOT NULL,
  plate          text NOT NULL,
  display        text NOT NULL,
  rows           smallint NOT NULL,
  confidence     real NOT NULL,
  bbox           real[] NOT NULL,
  frames         integer NOT NULL,
  snapshot       text,
  crop           text,
  revision       integer NOT NULL,
  received_at    timestamptz NOT NULL,
  superseded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, revision)
);
-- Retention deletes by time, like the reads.
CREATE INDEX IF NOT EXISTS plate_read_revisions_ts_idx ON plate_read_revisions (ts);
