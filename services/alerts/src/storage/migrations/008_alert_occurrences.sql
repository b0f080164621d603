-- An alert is one open condition, not one event: further sightings of the same condition count on it
-- (occurrences, last_seen_at) and every picture is kept (evidence), instead of a new card per event
-- or a silent overwrite of the old picture.
ALTER TABLE alerts
  ADD COLUMN occurrences integer NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
  -- Event time of the latest occurrence; NULL on alerts from before this migration (read as ts).
  ADD COLUMN last_seen_at timestamptz,
  -- Server time the alert was raised (a retroactive watchlist hit is raised long after its read's ts).
  ADD COLUMN raised_at timestamptz,
  -- [{ snapshot?, crop?, at, cameraId?, eventId? }], oldest first, bounded by the service.
  ADD COLUMN evidence jsonb,
  -- The bounded history the alert carries to consoles; alert_history below stays the full log.
  ADD COLUMN history jsonb;

-- History lines for occurrences and the resolve reason. An occurrence is one line per count, so two
-- sightings with the same timestamp are both kept.
ALTER TABLE alert_history
  ADD COLUMN kind text NOT NULL DEFAULT 'state' CHECK (kind IN ('state', 'occurrence')),
  ADD COLUMN reason text,
  ADD COLUMN occurrence integer,
  ADD COLUMN camera_id text,
  ADD COLUMN event_id uuid;
DROP INDEX IF EXISTS alert_history_once_idx;
CREATE UNIQUE INDEX alert_history_entry_once_idx ON alert_history (alert_id, kind, state, at, COALESCE(occurrence, 0));
