-- Camera state changes (online / degraded / offline) as the retained status topic reported them: one row
-- per change, not per status message, so per-camera uptime over the last 24 h survives restarts and is the
-- same on every instance (each instance sees every status and writes the same (camera_id, ts) key).
CREATE TABLE camera_state_log (
  camera_id text NOT NULL,
  ts timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('online', 'degraded', 'offline')),
  PRIMARY KEY (camera_id, ts)
);
-- Retention deletes by age.
CREATE INDEX camera_state_log_ts_idx ON camera_state_log (ts);
