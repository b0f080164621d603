-- Shift reports (#18) select alerts by when they were raised (raised_at; ts for rows from before it
-- was kept), over a window of hours to a month: an index on exactly that expression.
CREATE INDEX IF NOT EXISTS alerts_raised_idx ON alerts ((COALESCE(raised_at, ts)));
