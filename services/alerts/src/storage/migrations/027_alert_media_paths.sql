-- Media retention (MEDIA_RETENTION_DAYS) deletes old evidence files except those an alert still shows:
-- an alert is a case, and its snapshot, crop, evidence list and clip stay as long as its row does. One
-- function names every /media path an alert refers to, and a GIN index over it answers "which of these
-- 1000 files does some alert use?" without reading the whole alerts table for each batch of files.
CREATE OR REPLACE FUNCTION alert_media_paths(snapshot text, crop text, clip text, evidence jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_remove(
    ARRAY[snapshot, crop, clip] || COALESCE(
      (SELECT array_agg(v.p)
         FROM jsonb_array_elements(CASE WHEN jsonb_typeof(evidence) = 'array' THEN evidence ELSE '[]'::jsonb END) e,
              LATERAL (VALUES (e ->> 'snapshot'), (e ->> 'crop'), (e ->> 'clip')) v(p)
        WHERE v.p IS NOT NULL),
      '{}'::text[]),
    NULL)
$$;
CREATE INDEX IF NOT EXISTS alerts_media_paths_idx ON alerts USING gin (alert_media_paths(snapshot, crop, clip, evidence));
