import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { parseCamerasFile, type CameraConfig } from "../messages/camera-config.js";

/**
 * Reads CAMERAS_FILE (YAML or JSON, `camerasFileSchema`), naming every problem on failure. The one
 * reader of the file: the alert service (which seeds it), ingest (which follows it) and `npm start`
 * all see the same cameras, relative video paths included.
 */
export async function loadCamerasFile(file: string): Promise<CameraConfig[]> {
  const text = await readFile(file, "utf8");
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new Error(`${file}: not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${(err as Error).message}`);
  }
  const cameras = parseCamerasFile(raw, file);
  // Relative video paths are relative to the cameras file, not to wherever the service started.
  return cameras.map((c) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(c.url) || path.isAbsolute(c.url) ? c : { ...c, url: path.resolve(path.dirname(file), c.url) }));
}

/**
 * Calls `onChange` after the file changes (debounced, since editors write in several steps).
 * Watches the directory so that editors replacing the file by rename are seen too.
 */
export function watchCamerasFile(file: string, onChange: () => void, debounceMs = 300): { close(): void } {
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  let timer: NodeJS.Timeout | null = null;
  const watcher: FSWatcher = watch(dir, (_event, name) => {
    if (name !== null && name !== base) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
