/**
 * Whether this browser may hold a session, so a console opened before login does not probe
 * `GET /api/v1/me` just to be told 401 (which Chromium logs as a red "Failed to load resource"
 * error). The session cookie is HttpOnly and cannot be read here, so the console keeps its own
 * note in localStorage: written at login with the session's absolute end, removed at logout and
 * on any 401. Without a note (never signed in here, logged out, expired) the login shows at once;
 * with one, `/me` still decides. A note that outlives its session (the idle timeout, a revoked
 * session) costs one 401 at the next start, after which it is gone.
 */
export const SESSION_HINT_KEY = "vigil.session";

type HintStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** After a login: the session lasts until `expiresAt` at most (the server's absolute limit). */
export function rememberSession(storage: HintStorage | null, expiresAt: string | undefined, now = Date.now()): void {
  const end = expiresAt ? Date.parse(expiresAt) : Number.NaN;
  // No end given: assume the default 12 h limit rather than forever.
  const until = Number.isFinite(end) ? end : now + 12 * 3600_000;
  try {
    storage?.setItem(SESSION_HINT_KEY, String(until));
  } catch {
    // Storage full or refused: the next start probes /me as before.
  }
}

export function forgetSession(storage: HintStorage | null): void {
  try {
    storage?.removeItem(SESSION_HINT_KEY);
  } catch {
    // nothing to forget
  }
}

/**
 * Whether a start should ask the server for the session. No storage at all (private mode that
 * refuses it): probe, as before. A note past its end is removed.
 */
export function mayHaveSession(storage: HintStorage | null, now = Date.now()): boolean {
  if (!storage) return true;
  let raw: string | null;
  try {
    raw = storage.getItem(SESSION_HINT_KEY);
  } catch {
    return true;
  }
  if (raw === null) return false;
  const until = Number(raw);
  if (!Number.isFinite(until) || until <= now) {
    forgetSession(storage);
    return false;
  }
  return true;
}
