import { realpath } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { MEDIA_URL_PREFIX } from "@vigil/contracts";

/** Resolves a /media path inside `root`, or null for anything that would escape it. */
export function safeMediaPath(root: string, requested: string): string | null {
  if (requested.includes("\0")) return null;
  const base = resolve(root);
  const full = resolve(base, `.${sep}${requested}`);
  return full.startsWith(base + sep) ? full : null;
}

/**
 * The file behind an evidence URL (`/media/…`) as it exists on disk, or null when the URL is not a
 * media URL, escapes the media dir, does not exist, or is a link leading outside it. Unlike the
 * `/media` route (which fastify-static serves without following links out), callers that copy the
 * file need the real path checked.
 */
export async function existingMediaFile(root: string, url: string): Promise<string | null> {
  if (!url.startsWith(MEDIA_URL_PREFIX)) return null;
  const full = safeMediaPath(root, url.slice(MEDIA_URL_PREFIX.length));
  if (!full) return null;
  const [realRoot, realFull] = await Promise.all([realpath(root).catch(() => null), realpath(full).catch(() => null)]);
  if (!realRoot || !realFull || !realFull.startsWith(realRoot + sep)) return null;
  return realFull;
}
