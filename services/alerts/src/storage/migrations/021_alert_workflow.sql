-- Alarm workflow (#18): who took an alert (the first acknowledgement, which a second cannot replace),
-- to whom or which unit it was given, and the escalation of an alert nobody acknowledged in time.
ALTER TABLE alerts
  ADD COLUMN acknowledged_by text,
  ADD COLUMN acknowledged_at timestamptz,
  ADD COLUMN assigned_to text,
  ADD COLUMN assigned_unit_id text,
  -- Set once (UPDATE … WHERE escalated_at IS NULL): two alert instances cannot both escalate an alert.
  ADD COLUMN escalated_at timestamptz,
  ADD COLUMN escalated_unit_id text;

-- Alerts acknowledged before this migration: their last change was the acknowledgement.
UPDATE alerts SET acknowledged_by = updated_by, acknowledged_at = updated_at WHERE state = 'acknowledged';

-- History lines for assignments and escalations.
ALTER TABLE alert_history DROP CONSTRAINT IF EXISTS alert_history_kind_check;
ALTER TABLE alert_history ADD CONSTRAINT alert_history_kind_check CHECK (kind IN ('state', 'occurrence', 'assignment', 'escalation'));
ALTER TABLE alert_history
  ADD COLUMN assigned_to text,
  ADD COLUMN unit_id text;
