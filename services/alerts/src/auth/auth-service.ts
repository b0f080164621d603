import type { PublicUser, UserRole } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { UsersRepository } from "../storage/users-repository.js";
import { generatePassword, hashPassword, verifyPassword } from "./passwords.js";
import { hashToken, newCsrfToken, newSessionToken } from "./tokens.js";

export interface Session {
  user: PublicUser;
  csrfToken: string;
  expiresAt: string;
  tokenHash: string;
}

// A real hash to compare against when the user does not exist, so timing does not reveal usernames.
let dummyHash: Promise<string> | undefined;

export function createAuthService(deps: { users: UsersRepository; sessionTtlMs: number; logger: Logger }) {
  const { users, logger } = deps;
  /** Told when a session ends by logout (the socket server drops that session's connections). */
  const endedListeners: Array<(tokenHash: string) => void> = [];
  return {
    onSessionEnded(listener: (tokenHash: string) => void): void {
      endedListeners.push(listener);
    },
    /** Creates `admin` on first start. Returns the generated password when none was configured. */
    async ensureFirstAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
      if (await users.find("admin")) return { created: false };
      const pw = password ?? generatePassword();
      const created = await users.create("admin", await hashPassword(pw), "admin", null);
      return created ? { created: true, ...(password ? {} : { generatedPassword: pw }) } : { created: false };
    },
    async login(username: string, password: string): Promise<{ token: string; session: Session } | null> {
      const user = await users.find(username);
      if (!user || user.disabled) {
        dummyHash ??= hashPassword("not-a-real-password");
        await verifyPassword(password, await dummyHash);
        return null;
      }
      if (!(await verifyPassword(password, user.passwordHash))) return null;
      const token = newSessionToken();
      const csrfToken = newCsrfToken();
      const expiresAt = new Date(Date.now() + deps.sessionTtlMs);
      const tokenHash = hashToken(token);
      await users.createSession(tokenHash, user.username, csrfToken, expiresAt);
      logger.info({ username }, "user logged in");
      return { token, session: { user: { username: user.username, role: user.role }, csrfToken, expiresAt: expiresAt.toISOString(), tokenHash } };
    },
    async authenticate(token: string): Promise<Session | null> {
      if (!token || token.length > 200) return null;
      const tokenHash = hashToken(token);
      const s = await users.findSession(tokenHash);
      return s ? { user: { username: s.username, role: s.role }, csrfToken: s.csrfToken, expiresAt: s.expiresAt, tokenHash } : null;
    },
    async authenticateHash(tokenHash: string): Promise<Session | null> {
      const s = await users.findSession(tokenHash);
      return s ? { user: { username: s.username, role: s.role }, csrfToken: s.csrfToken, expiresAt: s.expiresAt, tokenHash } : null;
    },
    async logout(tokenHash: string): Promise<void> {
      await users.deleteSession(tokenHash);
      for (const l of endedListeners) l(tokenHash);
    },
    async createUser(username: string, password: string, role: UserRole, by: string): Promise<boolean> {
      return users.create(username, await hashPassword(password), role, by);
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
