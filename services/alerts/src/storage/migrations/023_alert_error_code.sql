-- A camera-offline alert keeps the camera's error class, so the console can word the problem in the
-- operator's language instead of showing the service's English detail.
ALTER TABLE alerts ADD COLUMN error_code text;
