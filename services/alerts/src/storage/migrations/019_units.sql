-- Police units (#18): one tree, province → district → commune. Exactly one unit has no parent (the
-- root); everything stored before units existed belongs to it. Cycles are refused by the unit service
-- (moving a unit under itself or below itself is a 409); the database keeps the simple rules.
CREATE TABLE units (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  parent_id   text REFERENCES units (id) ON DELETE RESTRICT,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
-- Only one root: a second parentless unit would be a second tree nobody's scope reaches.
CREATE UNIQUE INDEX units_single_root_idx ON units ((parent_id IS NULL)) WHERE parent_id IS NULL;
CREATE INDEX units_parent_idx ON units (parent_id);
INSERT INTO units (id, name) VALUES ('root', 'Công an tỉnh');

-- Users and watchlist entries carry their unit; existing ones go to the root. (Cameras keep theirs in
-- `cameras.config.unitId`; a camera without one is the root's, so their rows are left as they are and
-- the cameras file's version still compares equal to the stored one.)
ALTER TABLE users ADD COLUMN unit_id text NOT NULL DEFAULT 'root' REFERENCES units (id) ON DELETE RESTRICT;
CREATE INDEX users_unit_idx ON users (unit_id);
-- No foreign key: a soft-deleted entry keeps the unit it had, and must not stop that unit's removal.
ALTER TABLE watchlist ADD COLUMN unit_id text NOT NULL DEFAULT 'root';
CREATE INDEX watchlist_unit_idx ON watchlist (unit_id) WHERE deleted_at IS NULL;

-- An audit row's unit is the acting user's unit when it was written (null: no user, e.g. a failed
-- login under an unknown name — visible to those who see everything). No foreign key: rows outlive units.
ALTER TABLE audit_log ADD COLUMN unit_id text;
UPDATE audit_log SET unit_id = 'root';
CREATE INDEX audit_log_unit_idx ON audit_log (unit_id, id DESC);

-- The camera → unit look-up every scoped alert and plate-read query makes.
CREATE INDEX cameras_unit_idx ON cameras ((COALESCE(config->>'unitId', 'root')));
