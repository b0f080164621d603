-- The operator closes the loop: why an alert was resolved, and fire/smoke context the feedback store
-- needs (the event's boxes) and the console shows ("possible smoke").
ALTER TABLE alerts
  ADD COLUMN resolve_reason text CHECK (resolve_reason IN ('true_hit', 'false_alarm', 'duplicate', 'test', 'other')),
  -- NULL: never a possible smoke; true: possible (low severity); false: was possible, since confirmed.
  ADD COLUMN possible boolean,
  -- Fire/smoke: [{ bbox: [x, y, w, h], confidence }] of the event's latest revision.
  ADD COLUMN boxes jsonb;
