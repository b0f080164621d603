/**
 * Node-side helper for whoever serves the console (`npm start`, the browser tests): builds
 * `web-console/dist` with Vite when it is missing or older than the console's sources, in a child
 * process so the caller's own Vite/vitest instance is untouched.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const CONSOLE_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const CONSOLE_DIST_DIR = join(CONSOLE_ROOT, "dist");

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * True when dist/index.html is missing or older than anything under src/, public/, index.html or the
 * Vite config. `root`: the console folder of another checkout (npm start builds the one it serves).
 */
export function consoleBuildIsStale(root = CONSOLE_ROOT): boolean {
  const index = join(root, "dist", "index.html");
  if (!existsSync(index)) return true;
  const sources = Math.max(...["src", "public", "index.html", "vite.config.ts"].map((p) => newestMtime(join(root, p))));
  return statSync(index).mtimeMs < sources;
}

/** Builds the console if it is stale; resolves with whether a build ran and how long it took. */
export async function ensureConsoleBuilt({ force = false, root = CONSOLE_ROOT } = {}): Promise<{ built: boolean; ms: number; dir: string }> {
  const started = Date.now();
  const dir = join(root, "dist");
  if (!force && !consoleBuildIsStale(root)) return { built: false, ms: 0, dir };
  const viteBin = join(root, "node_modules", "vite", "bin", "vite.js");
  // Else the console's own Vite, wherever the workspace install put it (its bin is not in vite's exports, its package.json is).
  const bin = existsSync(viteBin) ? viteBin : join(dirname(fileURLToPath(import.meta.resolve("vite/package.json"))), "bin", "vite.js");
  await new Promise<void>((resolvePromise, reject) => {
    execFile(process.execPath, [bin, "build", "--logLevel", "error"], { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`building the web console failed: ${stderr || err.message}`));
      else resolvePromise();
    });
  });
  return { built: true, ms: Date.now() - started, dir };
}
