import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * Which ffmpeg to run: FFMPEG_PATH if set, else the system one on PATH (Debian's on servers,
 * distro or Homebrew builds elsewhere), else `@ffmpeg-installer/ffmpeg` when a user installed it.
 * That package is optional on purpose: it downloads a ~70 MB binary per platform that servers
 * with a system ffmpeg never need.
 */
export function resolveFfmpegPath(configured: string | undefined, searchPath: string | undefined): string {
  if (configured) return configured;
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const name of process.platform === "win32" ? ["ffmpeg.exe"] : ["ffmpeg"]) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  try {
    const require = createRequire(import.meta.url);
    const installer = require("@ffmpeg-installer/ffmpeg") as { path: string };
    return installer.path;
  } catch {
    throw new Error("ffmpeg not found: install it (apt install ffmpeg) or set FFMPEG_PATH");
  }
}

/**
 * Whether this ffmpeg build has the named filter (`ffmpeg -filters`), asked once at start-up. A
 * binary that cannot even list its filters has none as far as we are concerned: the camera workers
 * then report the real failure when they start it.
 */
export function ffmpegHasFilter(ffmpegPath: string, filter: string): boolean {
  try {
    const list = execFileSync(ffmpegPath, ["-hide_banner", "-filters"], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "ignore"] });
    return list.split("\n").some((line) => line.trim().split(/\s+/)[1] === filter);
  } catch {
    return false;
  }
}
