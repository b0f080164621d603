/**
 * Evidence URLs (`snapshot`, `crop`) are paths this system serves itself: `/media/` followed by plain
 * path segments. The console puts them in `<img src>`, so anything else — another host, or an API
 * route such as `/api/v1/plates?q=…` — would make the operator's browser fetch it under the
 * operator's session (a search the operator never made, in the audit log).
 */
/** The URL prefix evidence paths carry (`/media/cam-1/2026-12-03/….jpg`), served from the media dir. */
export const MEDIA_URL_PREFIX = "/media/";

export function isMediaUrlPath(value: string): boolean {
  if (value.length > 500 || !value.startsWith(MEDIA_URL_PREFIX)) return false;
  // No query, fragment, scheme, host, backslash, percent-encoding or dot segment: only what a file name needs.
  return value
    .slice(MEDIA_URL_PREFIX.length)
    .split("/")
    .every((segment) => /^[A-Za-z0-9._-]+$/.test(segment) && !/^\.+$/.test(segment));
}
