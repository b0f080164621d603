-- Watchlist entries are a plate (exact + OCR-fuzzy match) or a partial pattern (a fragment a read contains).
ALTER TABLE watchlist ADD COLUMN match text NOT NULL DEFAULT 'plate' CHECK (match IN ('plate', 'partial'));
