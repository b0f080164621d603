import type { UserRole } from "@vigil/contracts";
import type { Queryable } from "./database.js";

export interface UserRecord {
  username: string;
  role: UserRole;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
}

export interface SessionRecord {
  username: string;
  role: UserRole;
  csrfToken: string;
  expiresAt: string;
}

export function createUsersRepository(db: Queryable) {
  return {
    async find(username: string): Promise<UserRecord | null> {
      const { rows } = await db.query<{ username: string; role: UserRole; password_hash: string; disabled: boolean; created_at: string }>(
        "SELECT username, role, password_hash, disabled, created_at FROM users WHERE username = $1",
        [username],
      );
      const r = rows[0];
      return r ? { username: r.username, role: r.role, passwordHash: r.password_hash, disabled: r.disabled, createdAt: r.created_at } : null;
    },
    async list(): Promise<{ username: string; role: UserRole; disabled: boolean; createdAt: string }[]> {
      const { rows } = await db.query<{ username: string; role: UserRole; disabled: boolean; created_at: string }>(
        "SELECT username, role, disabled, created_at FROM users ORDER BY username",
      );
      return rows.map((r) => ({ username: r.username, role: r.role, disabled: r.disabled, createdAt: r.created_at }));
    },
    /** Returns false when the username is taken. */
    async create(username: string, passwordHash: string, role: UserRole, createdBy: string | null): Promise<boolean> {
      const { rows } = await db.query(
        "INSERT INTO users (username, password_hash, role, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING username",
        [username, passwordHash, role, createdBy],
      );
      return rows.length > 0;
    },
    async createSession(tokenHash: string, username: string, csrfToken: string, expiresAt: Date): Promise<void> {
      await db.query("INSERT INTO sessions (token_hash, username, csrf_token, expires_at) VALUES ($1, $2, $3, $4)", [
        tokenHash,
        username,
        csrfToken,
        expiresAt.toISOString(),
      ]);
    },
    /** A live session of an enabled user, or null (expired sessions are never returned). */
    async findSession(tokenHash: string): Promise<SessionRecord | null> {
      const { rows } = await db.query<{ username: string; role: UserRole; csrf_token: string; expires_at: string }>(
        `SELECT s.username, u.role, s.csrf_token, s.expires_at FROM sessions s JOIN users u USING (username)
          WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
        [tokenHash],
      );
      const r = rows[0];
      return r ? { username: r.username, role: r.role, csrfToken: r.csrf_token, expiresAt: r.expires_at } : null;
    },
    async deleteSession(tokenHash: string): Promise<void> {
      await db.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash]);
    },
    async deleteExpiredSessions(): Promise<number> {
      const { rows } = await db.query("DELETE FROM sessions WHERE expires_at <= now() RETURNING 1");
      return rows.length;
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;
