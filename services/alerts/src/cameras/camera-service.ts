import { cameraConfigSchema, publishedCamera, redactUrl, ROOT_UNIT_ID, type CameraConfig, type CameraPatch, type CameraView, type PublishedCamera } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { CamerasRepository } from "../storage/cameras-repository.js";
import type { CameraStatusTracker } from "../alerting/camera-status-tracker.js";
import type { CameraUptime } from "./camera-uptime.js";
import { cameraUnitOf } from "../units/unit-scope.js";

export class CameraConflictError extends Error {}

/** What one application of the cameras file changed (ids). */
export interface CamerasFileApplied {
  added: string[];
  updated: string[];
  removed: string[];
}

/** A camera as the schema writes it (defaults filled, keys in order): two versions compare equal when this does. */
const canonical = (c: CameraConfig): string => JSON.stringify(cameraConfigSchema.parse(c));

function changedFields(storedRaw: CameraConfig, fileRaw: CameraConfig): string[] {
  // Compared with defaults filled in: a default written out on one side only is no difference.
  const stored = cameraConfigSchema.parse(storedRaw);
  const file = cameraConfigSchema.parse(fileRaw);
  return Object.keys({ ...stored, ...file }).filter((k) => JSON.stringify(stored[k as keyof CameraConfig]) !== JSON.stringify(file[k as keyof CameraConfig]));
}

/** Who wrote the stored version the file now overrides, in the warning's words. */
function storedBy(source: "file" | "api" | undefined, fileAppliedBefore: boolean): string {
  if (source === "api") return "api";
  return fileAppliedBefore ? "api (edited since the file was applied)" : "an earlier cameras file, or the api";
}

/** Topic where the camera list is kept retained for ingest (additive to SPEC's topics; contracts owns it). */

/** A camera id not in the cache is looked up in the database at most this often (other instances add cameras too). */
const KNOWN_REFRESH_MS = 2_000;

/**
 * Cameras live in the database; every change is pushed to ingest both as a retained MQTT message
 * (distributed deployments) and through the injected hook (`npm start`'s single process). The
 * message never carries credentials (any broker client reads it): URLs go without their user-info
 * and with `hasCredentials`, and ingest fetches the full list from `listForIngest` over the
 * internal, token-authenticated route. The hook stays in-process and gets the full list. The ids
 * are cached for the consumer, which admits evidence only from registered cameras.
 */
export function createCameraService(deps: {
  cameras: CamerasRepository;
  status: CameraStatusTracker;
  /** Publishes the list on the bus: already stripped of credentials here. */
  publishConfig(cameras: PublishedCamera[]): Promise<void>;
  onCamerasChanged?: (cameras: CameraConfig[]) => void | Promise<void>;
  /** Uptime over the last 24 h from the camera state log; absent: views carry no `uptime24h`. */
  uptime?: Pick<CameraUptime, "last24h" | "forget">;
  logger: Logger;
  now?: () => number;
}) {
  const { cameras, status, logger } = deps;
  const now = deps.now ?? Date.now;
  let known = new Set<string>();
  /** Each registered camera's unit, for the pushes of its reads, statuses and alerts (the socket's unit rooms). */
  let unitById = new Map<string, string>();
  let knownAt = -Infinity;
  let loading: Promise<void> | null = null;
  /** The cameras file's cameras as last applied by `seed` (null before the first): tells the file's own edits from others. */
  let lastFile: Map<string, CameraConfig> | null = null;

  function refreshKnown(): Promise<void> {
    loading ??= cameras
      .list()
      .then((list) => {
        known = new Set(list.map((c) => c.id));
        unitById = new Map(list.map((c) => [c.id, cameraUnitOf(c)]));
        knownAt = now();
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  async function pushed(): Promise<void> {
    const list = await cameras.list();
    await deps.publishConfig(list.map(publishedCamera)).catch((err: unknown) => logger.warn({ err }, "publishing the camera list failed"));
    try {
      await deps.onCamerasChanged?.(list);
    } catch (err) {
      logger.warn({ err }, "the cameras-changed hook failed");
    }
  }

  function view(c: CameraConfig, uptime?: Map<string, number>): CameraView {
    const s = status.get(c.id);
    const { schemaVersion: _v, ...live } = s ?? { schemaVersion: 1 };
    return { ...c, unitId: cameraUnitOf(c), url: redactUrl(c.url), status: s ? (live as CameraView["status"]) : null, ...(uptime ? { uptime24h: uptime.get(c.id) ?? null } : {}) };
  }

  /** A failing uptime query must not take the camera list down with it: the figure is left out then. */
  async function uptimeOf(cameraId?: string): Promise<Map<string, number> | undefined> {
    if (!deps.uptime) return undefined;
    try {
      return await deps.uptime.last24h(cameraId);
    } catch (err) {
      logger.warn({ err }, "reading camera uptime failed; cameras are listed without it");
      return undefined;
    }
  }

  return {
    async list(): Promise<CameraView[]> {
      const [list, uptime] = await Promise.all([cameras.list(), uptimeOf()]);
      return list.map((c) => view(c, uptime));
    },
    /** The full list with credentials: for ingest only (the in-process hook, or the internal route). */
    listForIngest(): Promise<CameraConfig[]> {
      return cameras.list();
    },
    async get(id: string): Promise<CameraView | null> {
      const [c, uptime] = await Promise.all([cameras.get(id), uptimeOf(id)]);
      return c ? view(c, uptime) : null;
    },
    async create(input: CameraConfig): Promise<CameraView> {
      if (!(await cameras.create(input))) throw new CameraConflictError(`camera "${input.id}" already exists`);
      known.add(input.id);
      unitById.set(input.id, cameraUnitOf(input));
      await pushed();
      return view(input);
    },
    async patch(id: string, patch: CameraPatch): Promise<CameraView | null> {
      const current = await cameras.get(id);
      if (!current) return null;
      const next = cameraConfigSchema.parse({ ...current, ...patch, id });
      if ((await cameras.sourceOf(id)) === "file") {
        logger.warn({ camera: id, fields: Object.keys(patch) }, "camera from the cameras file edited through the API: the change applies now, but the file wins again on the next start or the next edit of the file");
      }
      await cameras.update(next);
      unitById.set(id, cameraUnitOf(next));
      await pushed();
      return view(next);
    },
    async remove(id: string): Promise<boolean> {
      const ok = await cameras.remove(id);
      if (ok) {
        known.delete(id);
        unitById.delete(id);
        status.forget(id);
        deps.uptime?.forget(id);
        await pushed();
      }
      return ok;
    },
    /**
     * Applies CAMERAS_FILE, on start and after every edit of the file (cameras-file-follower.ts): the
     * cameras it declares are the file's, so its version wins over the stored one; a camera the file
     * no longer declares is removed unless it was created through the API (those are never the
     * file's and are kept). A camera whose stored version differs from the file's for another reason
     * than the file's own edit (changed in the console, or stored by an earlier file before this
     * start) is logged once, naming it and the fields, saying the file wins. Runs before the consumer
     * starts, so redelivered events of these cameras are admitted; the caller pushes the list
     * (`announce`) once the broker connection exists.
     */
    async seed(list: CameraConfig[]): Promise<CamerasFileApplied> {
      const sources = await cameras.sources();
      const storedById = new Map((await cameras.list()).map((c) => [c.id, c]));
      const applied: CamerasFileApplied = { added: [], updated: [], removed: [] };
      for (const c of list) {
        const stored = storedById.get(c.id) ?? null;
        const before = lastFile?.get(c.id);
        if (!stored) applied.added.push(c.id);
        else if (canonical(stored) !== canonical(c)) {
          applied.updated.push(c.id);
          // Since the last file version applied here the stored camera has not changed: only the file was edited.
          const fileEdit = sources.get(c.id) === "file" && before !== undefined && canonical(before) === canonical(stored);
          if (!fileEdit) {
            logger.warn(
              {
                camera: c.id,
                fields: changedFields(stored, c),
                storedBy: storedBy(sources.get(c.id), lastFile !== null),
                // The fields changed outside the file since it was last applied here, when that is known.
                ...(before && sources.get(c.id) === "file" ? { editedThroughApi: changedFields(before, stored) } : {}),
              },
              "camera differs between the cameras file and the stored configuration: the cameras file wins (edit the file, or remove the camera from it to manage it in the console)",
            );
          }
        }
        await cameras.putFromFile(c);
      }
      const declared = new Set(list.map((c) => c.id));
      for (const [id, source] of sources) {
        // Only the file's own cameras go with it; API-created ones were never declared there.
        if (source !== "file" || declared.has(id)) continue;
        if (await cameras.remove(id)) {
          applied.removed.push(id);
          status.forget(id);
          deps.uptime?.forget(id);
        }
      }
      lastFile = new Map(list.map((c) => [c.id, c]));
      if (applied.added.length || applied.updated.length || applied.removed.length) logger.info(applied, "cameras file applied");
      await refreshKnown();
      return applied;
    },
    /**
     * A registered camera's unit, from the cache (a camera moved on another instance is seen here at
     * its next reload); an unknown camera is the root's: only those who see everything get its events.
     */
    unitOf(id: string): string {
      return unitById.get(id) ?? ROOT_UNIT_ID;
    },
    /** Pushes the current list to ingest (retained topic + hook). */
    announce: pushed,
    /** Loads the registered ids (startup; later misses reload them, see `isKnown`). */
    refreshKnown,
    /**
     * Whether `id` is a registered camera: from the cache, or — for an id not in it — from the database
     * when the cache is older than a few seconds (a camera just added through another instance).
     */
    isKnown(id: string): boolean | Promise<boolean> {
      if (known.has(id)) return true;
      if (now() - knownAt < KNOWN_REFRESH_MS) return false;
      return refreshKnown().then(
        () => known.has(id),
        (err: unknown) => {
          logger.warn({ err }, "loading the camera ids failed; treating the camera as unknown");
          return false;
        },
      );
    },
  };
}
export type CameraService = ReturnType<typeof createCameraService>;
