import { cameraConfigSchema, redactUrl, type CameraConfig, type CameraPatch, type CameraView } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { CamerasRepository } from "../storage/cameras-repository.js";
import type { CameraStatusTracker } from "../alerting/camera-status-tracker.js";

export class CameraConflictError extends Error {}

/** Topic where the camera list is kept retained for ingest (additive to SPEC's topics). */
export const camerasConfigTopic = (prefix: string) => `${prefix}/config/cameras`;

/**
 * Cameras live in the database; every change is pushed to ingest both as a retained MQTT message
 * (distributed deployments) and through the injected hook (`npm start`'s single process).
 */
export function createCameraService(deps: {
  cameras: CamerasRepository;
  status: CameraStatusTracker;
  publishConfig(cameras: CameraConfig[]): Promise<void>;
  onCamerasChanged?: (cameras: CameraConfig[]) => void | Promise<void>;
  logger: Logger;
}) {
  const { cameras, status, logger } = deps;

  async function pushed(): Promise<void> {
    const list = await cameras.list();
    await deps.publishConfig(list).catch((err: unknown) => logger.warn({ err }, "publishing the camera list failed"));
    try {
      await deps.onCamerasChanged?.(list);
    } catch (err) {
      logger.warn({ err }, "the cameras-changed hook failed");
    }
  }

  function view(c: CameraConfig): CameraView {
    const s = status.get(c.id);
    const { schemaVersion: _v, ...live } = s ?? { schemaVersion: 1 };
    return { ...c, url: redactUrl(c.url), status: s ? (live as CameraView["status"]) : null };
  }

  return {
    async list(): Promise<CameraView[]> {
      return (await cameras.list()).map(view);
    },
    async get(id: string): Promise<CameraView | null> {
      const c = await cameras.get(id);
      return c ? view(c) : null;
    },
    async create(input: CameraConfig): Promise<CameraView> {
      if (!(await cameras.create(input))) throw new CameraConflictError(`camera "${input.id}" already exists`);
      await pushed();
      return view(input);
    },
    async patch(id: string, patch: CameraPatch): Promise<CameraView | null> {
      const current = await cameras.get(id);
      if (!current) return null;
      const next = cameraConfigSchema.parse({ ...current, ...patch, id });
      await cameras.update(next);
      await pushed();
      return view(next);
    },
    async remove(id: string): Promise<boolean> {
      const ok = await cameras.remove(id);
      if (ok) {
        status.forget(id);
        await pushed();
      }
      return ok;
    },
    /** Seeds cameras from CAMERAS_FILE on first start (existing rows win: the API may have edited them). */
    async seed(list: CameraConfig[]): Promise<void> {
      for (const c of list) await cameras.create(c);
      await pushed();
    },
  };
}
export type CameraService = ReturnType<typeof createCameraService>;
