-- Outbound webhooks (#18): per unit (optional) and alert types, and their delivery queue. The queue
-- lives here, not in memory, so a restart neither loses a pending delivery nor sends a delivered one
-- again; "failed" rows (every try used) are the dead-letter list admins see and retry.
CREATE TABLE webhooks (
  id            uuid PRIMARY KEY,
  url           text NOT NULL,
  unit_id       text,
  -- Empty: every type (system alerts never leave Vigil); same for events.
  types         text[] NOT NULL DEFAULT '{}',
  events        text[] NOT NULL DEFAULT '{}',
  -- The HMAC secret, encrypted with the camera-secrets key (AES-256-GCM), never returned after creation.
  secret_sealed text NOT NULL,
  description   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text
);

CREATE TABLE webhook_deliveries (
  id              uuid PRIMARY KEY,
  webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  alert_id        uuid NOT NULL,
  event           text NOT NULL,
  -- The exact JSON sent on every try (the signature covers it byte for byte).
  body            text NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  -- Claimed by an instance until then (FOR UPDATE SKIP LOCKED + this lease): one sender per try.
  locked_until    timestamptz,
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL,
  delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_state_idx ON webhook_deliveries (state, created_at DESC);
