-- Core tables of the alert service. Timestamps are timestamptz (UTC on the wire).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE cameras (
  id          text PRIMARY KEY,
  config      jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  username       text PRIMARY KEY,
  password_hash  text NOT NULL,
  role           text NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     text
);

-- Only a hash of the opaque session token is stored, so a leaked table does not leak sessions.
CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,
  username      text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE watchlist (
  id            uuid PRIMARY KEY,
  plate         text NOT NULL,
  plate_folded  text NOT NULL,
  display       text NOT NULL,
  reason        text NOT NULL,
  priority      text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  expires_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  deleted_at    timestamptz,
  deleted_by    text
);
CREATE INDEX watchlist_active_idx ON watchlist (plate) WHERE deleted_at IS NULL;

CREATE TABLE alerts (
  id            uuid PRIMARY KEY,
  type          text NOT NULL CHECK (type IN ('watchlist_hit', 'fire', 'smoke', 'camera_offline')),
  severity      text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  camera_id     text NOT NULL,
  ts            timestamptz NOT NULL,
  state         text NOT NULL CHECK (state IN ('new', 'acknowledged', 'resolved')),
  event_id      uuid,
  plate         text,
  display       text,
  match_kind    text,
  watchlist_id  uuid,
  reason        text,
  snapshot      text,
  crop          text,
  updated_at    timestamptz,
  updated_by    text,
  note          text
);
CREATE INDEX alerts_ts_idx ON alerts (ts DESC);
CREATE INDEX alerts_state_idx ON alerts (state, ts DESC);
CREATE INDEX alerts_event_idx ON alerts (event_id);

CREATE TABLE alert_history (
  id        bigserial PRIMARY KEY,
  alert_id  uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  state     text NOT NULL,
  at        timestamptz NOT NULL,
  by        text,
  note      text
);
CREATE UNIQUE INDEX alert_history_once_idx ON alert_history (alert_id, state, at);

CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  ts        timestamptz NOT NULL DEFAULT now(),
  username  text,
  action    text NOT NULL,
  target    text,
  details   jsonb,
  ip        text
);
CREATE INDEX audit_log_ts_idx ON audit_log (ts DESC);
