-- Distinct plate keys ever read. Fuzzy search finds similar keys here (a few million rows at most,
-- one trigram index) and then fetches their reads through the exact-plate index, instead of running
-- a trigram scan over every day partition of plate_reads.
CREATE TABLE plate_keys (
  plate         text PRIMARY KEY,
  plate_folded  text NOT NULL,
  first_seen    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO plate_keys (plate, plate_folded) SELECT DISTINCT plate, plate_folded FROM plate_reads ON CONFLICT DO NOTHING;
-- Trigrams of the confusion-folded key: look-alikes cost nothing, genuine differences count.
CREATE INDEX plate_keys_folded_trgm_idx ON plate_keys USING gin (plate_folded gin_trgm_ops);
CREATE INDEX plate_keys_folded_idx ON plate_keys (plate_folded);
