-- Audit as a hash chain (#19). Every row carries its place in the chain (seq), the hash of the row
-- before it (prev_hash) and its own hash = sha256(prev_hash || canonical content), hex. Editing a row,
-- deleting one or reordering two breaks a link that `npm run verify` reports. The chain covers id, seq,
-- ts, username, action, target, details and ip; columns added later (unit_id, a visibility scope) are
-- outside it and may still be set by a migration.
--
-- Appending is done by a trigger, whoever inserts: it locks the single-row chain head FOR UPDATE in the
-- inserting transaction, so several alert-service instances append one after another (the order of
-- the chain is the order of commits), never two rows on the same predecessor (seq is unique too).

ALTER TABLE audit_log
  ADD COLUMN IF NOT EXISTS seq bigint,
  ADD COLUMN IF NOT EXISTS prev_hash text,
  ADD COLUMN IF NOT EXISTS hash text;

-- The content a row's hash covers, as text: a jsonb object (its text form orders keys one fixed way),
-- the time in UTC with microseconds whatever the session's time zone. `npm run verify` selects the same
-- expression and hashes it itself.
CREATE OR REPLACE FUNCTION audit_row_content(p_id bigint, p_seq bigint, p_ts timestamptz, p_username text, p_action text, p_target text, p_details jsonb, p_ip text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p_id, 'seq', p_seq, 'ts', to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'username', p_username, 'action', p_action, 'target', p_target, 'details', p_details, 'ip', p_ip)::text
$$;

CREATE OR REPLACE FUNCTION audit_row_hash(p_prev text, p_content text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(p_prev || p_content, 'UTF8')), 'hex')
$$;

-- The newest link; `only_row` keeps it to one row. seq 0 / 64 zeros: the chain's start.
CREATE TABLE IF NOT EXISTS audit_chain_head (
  only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq       bigint NOT NULL,
  hash      text NOT NULL
);

-- Where the kept chain starts after audit retention removed its oldest rows: the last removed row's
-- seq and hash (the first kept row's prev_hash). Retention also appends an `audit.retention` row naming
-- the same seq and hash, so an anchor nobody recorded in the chain is itself reported.
CREATE TABLE IF NOT EXISTS audit_chain_anchor (
  seq         bigint PRIMARY KEY,
  hash        text NOT NULL,
  last_ts     timestamptz,
  removed     bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Existing rows, chained in id order.
DO $$
DECLARE
  r record;
  n bigint := 0;
  prev text := repeat('0', 64);
BEGIN
  FOR r IN SELECT id, ts, username, action, target, details, ip FROM audit_log ORDER BY id LOOP
    n := n + 1;
    UPDATE audit_log SET seq = n, prev_hash = prev,
           hash = audit_row_hash(prev, audit_row_content(r.id, n, r.ts, r.username, r.action, r.target, r.details, r.ip))
     WHERE id = r.id RETURNING hash INTO prev;
  END LOOP;
  INSERT INTO audit_chain_head (only_row, seq, hash) VALUES (true, n, prev);
END $$;

ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS audit_log_seq_idx ON audit_log (seq);

CREATE OR REPLACE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  prev_seq bigint;
  prev_hash text;
BEGIN
  -- The row lock serialises appenders across connections and instances until this transaction ends
  -- (locking a row this transaction already holds costs nothing: no new row version per insert).
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_head h WHERE only_row FOR UPDATE;
  -- The newest row, committed by whoever held the lock before (READ COMMITTED: a fresh snapshot per
  -- statement) or inserted earlier in this statement. The head wins when it is further on: after
  -- retention removed every row, or when the newest rows were deleted, which must stay a visible gap
  -- rather than be healed by the next row.
  SELECT a.seq, a.hash INTO prev_seq, prev_hash FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
  IF prev_seq IS NULL OR head_seq > prev_seq THEN
    prev_seq := head_seq;
    prev_hash := head_hash;
  END IF;
  NEW.seq := prev_seq + 1;
  NEW.prev_hash := prev_hash;
  NEW.hash := audit_row_hash(prev_hash, audit_row_content(NEW.id, NEW.seq, NEW.ts, NEW.username, NEW.action, NEW.target, NEW.details, NEW.ip));
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS audit_log_chain ON audit_log;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain_append();

-- The head follows once per statement (once per row would leave one dead head version per row inside a
-- bulk insert, each read again by the next row). A unique seq still makes two rows on one predecessor
-- impossible, whatever the isolation level.
CREATE OR REPLACE FUNCTION audit_chain_advance_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE audit_chain_head h SET seq = l.seq, hash = l.hash
    FROM (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) l
   WHERE h.only_row AND l.seq > h.seq;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS audit_log_chain_head ON audit_log;
CREATE TRIGGER audit_log_chain_head AFTER INSERT ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_advance_head();

-- No one edits or deletes audit rows. The only deletion is audit_apply_retention's (oldest first); an
-- UPDATE that leaves every chained column as it was (a migration filling a later column) passes.
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('vigil.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.id, NEW.seq, NEW.ts, NEW.username, NEW.action, NEW.target, NEW.details, NEW.ip, NEW.prev_hash, NEW.hash)
       IS NOT DISTINCT FROM (OLD.id, OLD.seq, OLD.ts, OLD.username, OLD.action, OLD.target, OLD.details, OLD.ip, OLD.prev_hash, OLD.hash) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % of audit rows is refused (only audit retention removes the oldest rows)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS audit_log_guard ON audit_log;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

CREATE OR REPLACE FUNCTION audit_anchor_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_chain_anchor is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS audit_chain_anchor_guard ON audit_chain_anchor;
CREATE TRIGGER audit_chain_anchor_guard BEFORE UPDATE OR DELETE ON audit_chain_anchor FOR EACH ROW EXECUTE FUNCTION audit_anchor_guard();

-- Audit retention: removes the rows older than `cutoff` that form a prefix of the chain (it stops at
-- the first row at or after the cutoff), records the anchor and appends an `audit.retention` row.
-- Returns how many rows it removed.
CREATE OR REPLACE FUNCTION audit_apply_retention(cutoff timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  keep_from bigint;
  last_row record;
  n bigint;
BEGIN
  PERFORM 1 FROM audit_chain_head WHERE only_row FOR UPDATE; -- no append while the start moves
  SELECT min(seq) INTO keep_from FROM audit_log WHERE ts >= cutoff;
  SELECT seq, hash, ts INTO last_row FROM audit_log WHERE keep_from IS NULL OR seq < keep_from ORDER BY seq DESC LIMIT 1;
  IF last_row.seq IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM set_config('vigil.audit_retention', 'on', true);
  DELETE FROM audit_log WHERE seq <= last_row.seq;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('vigil.audit_retention', 'off', true);
  INSERT INTO audit_chain_anchor (seq, hash, last_ts, removed) VALUES (last_row.seq, last_row.hash, last_row.ts, n);
  INSERT INTO audit_log (username, action, target, details)
  VALUES (NULL, 'audit.retention', NULL, jsonb_build_object('removedThroughSeq', last_row.seq, 'anchorHash', last_row.hash, 'removed', n, 'cutoff', to_char(cutoff AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')));
  RETURN n;
END $$;
