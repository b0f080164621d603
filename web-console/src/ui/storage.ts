/**
 * The browser's localStorage, or null where there is none or it refuses access (a sandboxed frame, some
 * private modes throw on the property itself). What the console keeps there (language, sound, tile
 * override, the session hint) is a convenience: every user of it works without it.
 */
export function safeStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
