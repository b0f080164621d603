-- #18: every read carries its camera's unit, so a scope of few cameras (a commune: 2 of 220) reads
-- its browse or contains page from one index range per unit instead of one per camera: a commune's
-- one-day browse was ~0.07 ms server-side over the province's (two index descents and a sort per
-- camera, BENCHMARKS.md "alerts-scope"). `cameras.config.unitId` stays the one truth: this column is
-- a copy the database keeps equal to it — set from the camera by every insert (plate-reads-repository
-- `insertBatch`) and rewritten for all of a camera's reads by the trigger below when the camera's
-- unit changes, when it is created (reads stored before it was declared) and when it is removed
-- (null: a read of no camera, which only a user who sees everything sees, as before).
ALTER TABLE plate_reads ADD COLUMN IF NOT EXISTS unit_id text;
UPDATE plate_reads r SET unit_id = COALESCE(c.config->>'unitId', 'root') FROM cameras c WHERE c.id = r.camera_id;

CREATE INDEX IF NOT EXISTS plate_reads_unit_ts_cover_idx ON plate_reads (unit_id, ts DESC, id DESC)
  INCLUDE (camera_id, plate, display, rows, confidence, bbox, snapshot, crop, snapshot_sha256, crop_sha256);

-- The race it must win: a batch of reads being written while its camera moves. A batch takes a
-- shared transaction lock per camera (key 0x56494733 "VIG3", hashtext(camera id)) before the
-- statement that reads the cameras' units; a camera's unit change takes the same lock exclusively
-- before it rewrites the camera's reads. So the rewrite waits for batches already past their look-up
-- and sees their rows (each statement here takes a fresh snapshot), and a later batch waits for the
-- change to commit and reads the new unit.
CREATE OR REPLACE FUNCTION plate_reads_follow_camera_unit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  camera text := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
  was text := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE COALESCE(OLD.config->>'unitId', 'root') END;
  now_unit text := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE COALESCE(NEW.config->>'unitId', 'root') END;
BEGIN
  IF TG_OP = 'UPDATE' AND was IS NOT DISTINCT FROM now_unit THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(1447642931, hashtext(camera));
  UPDATE plate_reads SET unit_id = now_unit WHERE camera_id = camera AND unit_id IS DISTINCT FROM now_unit;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS cameras_unit_to_plate_reads ON cameras;
CREATE TRIGGER cameras_unit_to_plate_reads AFTER INSERT OR DELETE OR UPDATE OF config ON cameras
  FOR EACH ROW EXECUTE FUNCTION plate_reads_follow_camera_unit();
