-- System alerts: about Vigil itself (an account locked after too many failed logins, evidence or audit
-- failing its integrity check), shown to administrators only.
ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_type_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_type_check CHECK (type IN ('watchlist_hit', 'fire', 'smoke', 'camera_offline', 'system'));
ALTER TABLE alerts
  ADD COLUMN system_code text,
  ADD COLUMN subject text;
