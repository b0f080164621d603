-- Event clips (#17): the video clip ingest cut for an alert (~5 s before to ~10 s after its event),
-- `/media/…mp4` beside the evidence JPEG, with the SHA-256 of the file as written (also recorded in
-- media_hashes, which /media and `npm run verify` check). Set once, some 10 s after the alert is
-- raised; null when there is none (clips off, camera offline, disk full).
ALTER TABLE alerts
  ADD COLUMN IF NOT EXISTS clip text,
  ADD COLUMN IF NOT EXISTS clip_sha256 text;
