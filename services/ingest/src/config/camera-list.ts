import type { CameraConfig } from "@vigil/contracts";
import { loadCamerasFile, watchCamerasFile, type Logger } from "@vigil/contracts/node";

/**
 * Where ingest's cameras come from, as one adapter: the list now, and each later version. Standalone
 * ingest follows CAMERAS_FILE (`camerasFileList`); `npm start` follows the alert service's stored
 * list (`createCameraList`, set from its cameras-changed hook).
 */
export interface CameraList {
  current(): CameraConfig[];
  /** Calls `listener` with every later version of the list until `close`. */
  follow(listener: (cameras: CameraConfig[]) => Promise<void>): { close(): void };
}

export interface SettableCameraList extends CameraList {
  /** Replaces the list; resolves once every follower has applied it. */
  set(cameras: CameraConfig[]): Promise<void>;
}

export function createCameraList(initial: CameraConfig[] = []): SettableCameraList {
  let cameras = initial;
  const listeners = new Set<(cameras: CameraConfig[]) => Promise<void>>();
  return {
    current: () => cameras,
    follow(listener) {
      listeners.add(listener);
      return { close: () => void listeners.delete(listener) };
    },
    async set(next) {
      cameras = next;
      await Promise.all([...listeners].map((l) => l(next)));
    },
  };
}

/** CAMERAS_FILE as a camera list: read now, read again after each change; a broken version is logged and skipped. */
export async function camerasFileList(file: string, logger: Logger): Promise<CameraList & { close(): void }> {
  const list = createCameraList(await loadCamerasFile(file));
  const watcher = watchCamerasFile(file, () => {
    loadCamerasFile(file)
      .then((next) => list.set(next))
      // A half-written or invalid file keeps the running cameras as they are.
      .catch((err: unknown) => logger.error({ err }, "cameras file not reloaded"));
  });
  return { current: list.current, follow: list.follow, close: () => watcher.close() };
}
