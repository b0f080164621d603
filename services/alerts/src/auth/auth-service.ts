import type { PublicUser, UserPatch, UserRole, UserView } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { UsersRepository } from "../storage/users-repository.js";
import { accountChangeRefusal, changeEndsSessions, type AccountChange } from "./account-rules.js";
import { generatePassword, hashPassword, verifyPassword, waitLikeAPasswordCheck } from "./passwords.js";
import { passwordProblem } from "./password-policy.js";
import { hashToken, newCsrfToken, newSessionToken } from "./tokens.js";

export interface Session {
  user: PublicUser;
  csrfToken: string;
  expiresAt: string;
  tokenHash: string;
}

/** A refused account operation, with the HTTP status and a stable `error` code the console translates. */
export interface AccountFailure {
  ok: false;
  status: 400 | 404 | 409;
  error: string;
  message: string;
}

export type CreateUserResult = { ok: true; user: UserView } | AccountFailure;
export type UpdateUserResult = { ok: true; user: UserView; sessionsRevoked: number; changes: Record<string, unknown> } | AccountFailure;
export type RevokeSessionsResult = { ok: true; username: string; revoked: number } | AccountFailure;

const notFound = (username: string): AccountFailure => ({ ok: false, status: 404, error: "not_found", message: `no user "${username}"` });

export function createAuthService(deps: { users: UsersRepository; sessionTtlMs: number; logger: Logger; /** Ends sessions unused for this long. */ sessionIdleMs?: number }) {
  const { users, logger } = deps;
  /** Told when a session ends (logout, revoked by an admin); the socket server drops that session's connections. */
  const endedListeners: Array<(tokenHash: string) => void> = [];
  const sessionsEnded = (tokenHashes: readonly string[]) => {
    for (const tokenHash of tokenHashes) for (const l of endedListeners) l(tokenHash);
  };
  const weakPassword = (password: string, username: string): AccountFailure | null => {
    const problem = passwordProblem(password, username);
    return problem ? { ok: false, status: 400, error: `password_${problem.rule}`, message: problem.message } : null;
  };
  /** The live session behind a token hash (the socket server keeps hashes, not tokens), or null. */
  const authenticateHash = async (tokenHash: string): Promise<Session | null> => {
    const s = await users.findSession(tokenHash, deps.sessionIdleMs);
    return s ? { user: { username: s.username, role: s.role, unitId: s.unitId }, csrfToken: s.csrfToken, expiresAt: s.expiresAt, tokenHash } : null;
  };
  return {
    onSessionEnded(listener: (tokenHash: string) => void): void {
      endedListeners.push(listener);
    },
    /** Creates `admin` on first start. Returns the generated password when none was configured. */
    async ensureFirstAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
      if (await users.find("admin")) return { created: false };
      const pw = password ?? generatePassword();
      // The operator chose it in the environment: warn, but do not refuse to start.
      const problem = password ? passwordProblem(password, "admin") : null;
      if (problem) logger.warn({ rule: problem.rule }, `the configured first-admin password is weak (${problem.message}); reset it from the users page`);
      const created = await users.create("admin", await hashPassword(pw), "admin", null);
      return created ? { created: true, ...(password ? {} : { generatedPassword: pw }) } : { created: false };
    },
    async login(username: string, password: string): Promise<{ token: string; session: Session } | null> {
      const user = await users.find(username);
      if (!user || user.disabled) {
        // As long as a real check would take, without spending a hash on it: a flood of logins under
        // made-up usernames must not queue real users' logins behind it (hash slots are few).
        await waitLikeAPasswordCheck();
        return null;
      }
      if (!(await verifyPassword(password, user.passwordHash))) return null;
      const token = newSessionToken();
      const csrfToken = newCsrfToken();
      const expiresAt = new Date(Date.now() + deps.sessionTtlMs);
      const tokenHash = hashToken(token);
      // The stored spelling, whatever case was typed: sessions, audit and rooms name one account.
      await users.createSession(tokenHash, user.username, csrfToken, expiresAt);
      await users.recordLogin(user.username);
      logger.info({ username: user.username }, "user logged in");
      return { token, session: { user: { username: user.username, role: user.role, ...(user.unitId ? { unitId: user.unitId } : {}) }, csrfToken, expiresAt: expiresAt.toISOString(), tokenHash } };
    },
    async authenticate(token: string): Promise<Session | null> {
      if (!token || token.length > 200) return null;
      return authenticateHash(hashToken(token));
    },
    authenticateHash,
    /** An enabled account of that name (any letter case). */
    async accountExists(username: string): Promise<boolean> {
      const user = await users.find(username);
      return !!user && !user.disabled;
    },
    async logout(tokenHash: string): Promise<void> {
      await users.deleteSession(tokenHash);
      sessionsEnded([tokenHash]);
    },
    async createUser(username: string, password: string, role: UserRole, by: string, unitId?: string): Promise<CreateUserResult> {
      const weak = weakPassword(password, username);
      if (weak) return weak;
      if (!(await users.create(username, await hashPassword(password), role, by, unitId))) {
        const existing = await users.find(username);
        const same = existing && existing.username !== username ? ` as "${existing.username}" (usernames ignore letter case)` : "";
        return { ok: false, status: 409, error: "user_exists", message: `user "${username}" already exists${same}` };
      }
      const created = await users.find(username);
      return created ? { ok: true, user: withoutHash(created) } : notFound(username);
    },
    /**
     * Role, disabled flag and password reset, as `actor`. Disabling, a reset or a demotion ends the
     * user's sessions (and their sockets); an admin resetting their own password keeps this session.
     */
    async updateUser(actor: { username: string; tokenHash: string }, username: string, patch: UserPatch): Promise<UpdateUserResult> {
      const found = await users.find(username);
      if (!found) return notFound(username);
      if (patch.password !== undefined) {
        const weak = weakPassword(patch.password, found.username);
        if (weak) return weak;
      }
      // Hashed before the transaction: scrypt takes tens of milliseconds, rows stay locked for less.
      const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
      const change: AccountChange = {
        ...(patch.role ? { role: patch.role } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
        passwordReset: passwordHash !== undefined,
        ...(patch.unitId ? { unitId: patch.unitId } : {}),
      };
      const result = await users.inTransaction(async (tx): Promise<UpdateUserResult & { ended?: string[] }> => {
        // Admins first, then the target, always in that order: two concurrent changes cannot deadlock.
        const admins = await tx.lockActiveAdmins();
        const target = await tx.findForUpdate(found.username);
        if (!target) return notFound(username);
        const refusal = accountChangeRefusal(actor.username, target, change, admins);
        if (refusal) return { ok: false, status: 409, error: refusal.code, message: refusal.message };
        await tx.update(target.username, { ...(change.role ? { role: change.role } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}), ...(passwordHash ? { passwordHash } : {}), ...(change.unitId ? { unitId: change.unitId } : {}) });
        const own = actor.username === target.username;
        const ended = changeEndsSessions(target, change) ? await tx.deleteSessionsOf(target.username, own ? actor.tokenHash : undefined) : [];
        const after = await tx.find(target.username);
        if (!after) return notFound(username);
        const changes: Record<string, unknown> = {
          ...(change.role && change.role !== target.role ? { role: { from: target.role, to: change.role } } : {}),
          ...(change.disabled !== undefined && change.disabled !== target.disabled ? { disabled: change.disabled } : {}),
          ...(passwordHash ? { passwordReset: true } : {}),
          ...(change.unitId && change.unitId !== target.unitId ? { unitId: { from: target.unitId, to: change.unitId } } : {}),
        };
        return { ok: true, user: withoutHash(after), sessionsRevoked: ended.length, changes, ended };
      });
      if (!result.ok) return result;
      // After the commit: a socket dropped earlier could reconnect on a session the rollback kept.
      sessionsEnded(result.ended ?? []);
      return { ok: true, user: result.user, sessionsRevoked: result.sessionsRevoked, changes: result.changes };
    },
    /** Ends every session of `username` (an admin's "log out everywhere" for a lost device). */
    async revokeSessions(username: string): Promise<RevokeSessionsResult> {
      const user = await users.find(username);
      if (!user) return notFound(username);
      const ended = await users.deleteSessionsOf(user.username);
      sessionsEnded(ended);
      return { ok: true, username: user.username, revoked: ended.length };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

function withoutHash(user: UserView & { passwordHash?: string }): UserView {
  return { username: user.username, role: user.role, disabled: user.disabled, createdAt: user.createdAt, createdBy: user.createdBy, lastLoginAt: user.lastLoginAt, ...(user.unitId ? { unitId: user.unitId } : {}) };
}
