/**
 * What other workspaces need from the console package: where the built bundle lives, so the
 * alert service can serve it at `/`. The console itself starts from `main.ts` (see index.html).
 */
export const CONSOLE_DIST_URL = new URL("../dist/", import.meta.url);
