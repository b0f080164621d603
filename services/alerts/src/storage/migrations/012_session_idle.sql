-- Per-account login-failure counting (the idle timeout uses sessions.last_seen_at, there since 001) reads
-- the audit log by action and user.
CREATE INDEX audit_log_login_failures_idx ON audit_log (lower(username), ts DESC) WHERE action = 'auth.login_failed';
