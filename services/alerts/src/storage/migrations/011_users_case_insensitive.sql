-- Usernames are unique ignoring letter case ("ADMIN" cannot sit beside "admin"), and logins match them
-- that way. A database that already holds such a pair stops here with the names: an admin decides
-- which account stays (rename or delete the other), then the service starts again.
DO $$
DECLARE clashes text;
BEGIN
  SELECT string_agg(names, '; ') INTO clashes FROM (
    SELECT string_agg(username, ', ' ORDER BY created_at) AS names FROM users GROUP BY lower(username) HAVING count(*) > 1
  ) d;
  IF clashes IS NOT NULL THEN
    RAISE EXCEPTION 'usernames that differ only in letter case: % (keep one of each, then restart)', clashes;
  END IF;
END $$;
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));

-- Shown on the admins' users page.
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
