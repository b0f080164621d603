import { ROOT_UNIT_ID, type UserRole, type UserView } from "@vigil/contracts";
import type { Database, Queryable } from "./database.js";

export interface UserRecord extends UserView {
  passwordHash: string;
}

export interface SessionRecord {
  username: string;
  role: UserRole;
  unitId: string;
  csrfToken: string;
  expiresAt: string;
}

export interface UserUpdate {
  role?: UserRole;
  disabled?: boolean;
  passwordHash?: string;
  unitId?: string;
}

export interface UsersRepository {
  /** Usernames are matched ignoring case (unique that way since migration 011); the stored spelling comes back. */
  find(username: string): Promise<UserRecord | null>;
  /** Same, locking the row until the surrounding transaction ends. */
  findForUpdate(username: string): Promise<UserRecord | null>;
  /** Enabled admins, locked: two admins demoting each other at once cannot both pass the last-admin check. */
  lockActiveAdmins(): Promise<string[]>;
  list(): Promise<UserView[]>;
  /** Returns false when the username is taken (in any letter case). */
  create(username: string, passwordHash: string, role: UserRole, createdBy: string | null, unitId?: string): Promise<boolean>;
  update(username: string, change: UserUpdate): Promise<void>;
  recordLogin(username: string): Promise<void>;
  createSession(tokenHash: string, username: string, csrfToken: string, expiresAt: Date): Promise<void>;
  /**
   * A live session of an enabled user, or null (expired and idle sessions are never returned); marks
   * it used, so it stays alive while it is used at least every `idleMs`.
   */
  findSession(tokenHash: string, idleMs?: number): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of `username` (but `keepTokenHash`); returns the ended sessions' token hashes. */
  deleteSessionsOf(username: string, keepTokenHash?: string): Promise<string[]>;
  deleteExpiredSessions(): Promise<number>;
  /** Runs `fn` on a repository bound to one transaction (inside one already: on this one). */
  inTransaction<T>(fn: (tx: UsersRepository) => Promise<T>): Promise<T>;
}

interface UserRow {
  username: string;
  role: UserRole;
  password_hash: string;
  disabled: boolean;
  created_at: string;
  created_by: string | null;
  last_login_at: string | null;
  unit_id: string;
}

const USER_COLUMNS = "username, role, password_hash, disabled, created_at, created_by, last_login_at, unit_id";
const toView = (r: UserRow): UserView => ({ username: r.username, role: r.role, disabled: r.disabled, createdAt: r.created_at, createdBy: r.created_by, lastLoginAt: r.last_login_at, unitId: r.unit_id });
const toRecord = (r: UserRow): UserRecord => ({ ...toView(r), passwordHash: r.password_hash });

export function createUsersRepository(db: Queryable & Partial<Pick<Database, "transaction">>): UsersRepository {
  const findBy = async (username: string, lock: boolean): Promise<UserRecord | null> => {
    const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)${lock ? " FOR UPDATE" : ""}`, [username]);
    return rows[0] ? toRecord(rows[0]) : null;
  };
  const repo: UsersRepository = {
    find: (username) => findBy(username, false),
    findForUpdate: (username) => findBy(username, true),
    async lockActiveAdmins() {
      const { rows } = await db.query<{ username: string }>("SELECT username FROM users WHERE role = 'admin' AND NOT disabled ORDER BY username FOR UPDATE");
      return rows.map((r) => r.username);
    },
    async list() {
      const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY lower(username)`);
      return rows.map(toView);
    },
    async create(username, passwordHash, role, createdBy, unitId) {
      // ON CONFLICT without a target also covers the lower(username) unique index.
      const { rows } = await db.query(
        "INSERT INTO users (username, password_hash, role, created_by, unit_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING username",
        [username, passwordHash, role, createdBy, unitId ?? ROOT_UNIT_ID],
      );
      return rows.length > 0;
    },
    async update(username, change) {
      await db.query(
        `UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled), password_hash = coalesce($4, password_hash),
                unit_id = coalesce($5, unit_id)
          WHERE username = $1`,
        [username, change.role ?? null, change.disabled ?? null, change.passwordHash ?? null, change.unitId ?? null],
      );
    },
    async recordLogin(username) {
      await db.query("UPDATE users SET last_login_at = now() WHERE username = $1", [username]);
    },
    async createSession(tokenHash, username, csrfToken, expiresAt) {
      await db.query("INSERT INTO sessions (token_hash, username, csrf_token, expires_at) VALUES ($1, $2, $3, $4)", [
        tokenHash,
        username,
        csrfToken,
        expiresAt.toISOString(),
      ]);
    },
    async findSession(tokenHash, idleMs) {
      const { rows } = await db.query<{ username: string; role: UserRole; unit_id: string; csrf_token: string; expires_at: string; stale: boolean }>(
        `SELECT s.username, u.role, u.unit_id, s.csrf_token, s.expires_at, s.last_seen_at < now() - $3::float8 * interval '1 millisecond' AS stale
           FROM sessions s JOIN users u USING (username)
          WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled
            AND ($2::float8 IS NULL OR s.last_seen_at > now() - $2::float8 * interval '1 millisecond')`,
        [tokenHash, idleMs ?? null, Math.min(30_000, (idleMs ?? 120_000) / 4)],
      );
      const r = rows[0];
      // Written at most every 30 s (a quarter of the idle time if shorter) per session: a busy console
      // does not turn every request into a write.
      if (r?.stale) await db.query("UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1", [tokenHash]);
      return r ? { username: r.username, role: r.role, unitId: r.unit_id, csrfToken: r.csrf_token, expiresAt: r.expires_at } : null;
    },
    async deleteSession(tokenHash) {
      await db.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash]);
    },
    async deleteSessionsOf(username, keepTokenHash) {
      const { rows } = await db.query<{ token_hash: string }>(
        "DELETE FROM sessions WHERE username = $1 AND ($2::text IS NULL OR token_hash <> $2) RETURNING token_hash",
        [username, keepTokenHash ?? null],
      );
      return rows.map((r) => r.token_hash);
    },
    async deleteExpiredSessions() {
      const { rows } = await db.query("DELETE FROM sessions WHERE expires_at <= now() RETURNING 1");
      return rows.length;
    },
    async inTransaction(fn) {
      return db.transaction ? db.transaction((tx) => fn(createUsersRepository(tx))) : fn(repo);
    },
  };
  return repo;
}
