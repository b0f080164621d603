import { cameraConfigSchema, stripUrlCredentials, urlHasCredentials, type CameraConfig } from "@vigil/contracts";
import type { Database, Queryable } from "./database.js";
import { CameraSecretError, type CameraSecrets } from "../cameras/camera-secrets.js";

/**
 * How a camera sits in `cameras.config` (jsonb): its config with the URL's credentials removed,
 * and, when the URL has any, the whole URL sealed (AES-256-GCM, see camera-secrets.ts) beside it
 * as `urlSealed`. The plain `url` keeps host and path readable for whoever looks at the table.
 * Kept inside the jsonb (no new column) so that a row is one self-contained value.
 */
type StoredConfig = Record<string, unknown> & { url?: unknown; urlSealed?: unknown };

/** Cameras whose sealed URL could not be opened (a key rotation half done); the caller logs them. */
export type UnreadableCamera = (cameraId: string, err: CameraSecretError) => void;

export function createCamerasRepository(db: Queryable, secrets: CameraSecrets, onUnreadable: UnreadableCamera = () => undefined) {
  const toRow = (camera: CameraConfig): string => JSON.stringify(sealedConfig(camera, secrets));
  const fromRow = (config: unknown): CameraConfig | null => {
    const { urlSealed, ...rest } = (config ?? {}) as StoredConfig;
    let url = rest.url;
    if (typeof urlSealed === "string" && typeof rest.id === "string") {
      try {
        url = secrets.open(urlSealed, rest.id);
      } catch (err) {
        if (!(err instanceof CameraSecretError)) throw err;
        // Served without its credentials rather than not at all; start-up already refused unreadable rows.
        onUnreadable(rest.id, err);
      }
    }
    const parsed = cameraConfigSchema.safeParse({ ...rest, url });
    return parsed.success ? parsed.data : null;
  };

  return {
    async list(): Promise<CameraConfig[]> {
      const { rows } = await db.query<{ config: unknown }>("SELECT config FROM cameras ORDER BY id");
      return rows.flatMap((r) => {
        const c = fromRow(r.config);
        return c ? [c] : [];
      });
    },
    async get(id: string): Promise<CameraConfig | null> {
      const { rows } = await db.query<{ config: unknown }>("SELECT config FROM cameras WHERE id = $1", [id]);
      return rows[0] ? fromRow(rows[0].config) : null;
    },
    /** Inserts; returns false when the id is taken. */
    async create(camera: CameraConfig): Promise<boolean> {
      const { rows } = await db.query("INSERT INTO cameras (id, config) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id", [camera.id, toRow(camera)]);
      return rows.length > 0;
    },
    /** Where each camera was declared (the cameras file or the API). */
    async sources(): Promise<Map<string, "file" | "api">> {
      const { rows } = await db.query<{ id: string; source: "file" | "api" }>("SELECT id, source FROM cameras");
      return new Map(rows.map((r) => [r.id, r.source]));
    },
    /** Where one camera was declared; null when there is no such camera. */
    async sourceOf(id: string): Promise<"file" | "api" | null> {
      const { rows } = await db.query<{ source: "file" | "api" }>("SELECT source FROM cameras WHERE id = $1", [id]);
      return rows[0]?.source ?? null;
    },
    /** The cameras file's version of a camera: inserted or replaced, and marked as the file's. */
    async putFromFile(camera: CameraConfig): Promise<void> {
      await db.query(
        "INSERT INTO cameras (id, config, source) VALUES ($1, $2, 'file') ON CONFLICT (id) DO UPDATE SET config = excluded.config, source = 'file', updated_at = now()",
        [camera.id, toRow(camera)],
      );
    },
    async upsert(camera: CameraConfig): Promise<void> {
      await db.query(
        "INSERT INTO cameras (id, config) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = now()",
        [camera.id, toRow(camera)],
      );
    },
    async update(camera: CameraConfig): Promise<void> {
      await db.query("UPDATE cameras SET config = $2, updated_at = now() WHERE id = $1", [camera.id, toRow(camera)]);
    },
    async remove(id: string): Promise<boolean> {
      const { rows } = await db.query("DELETE FROM cameras WHERE id = $1 RETURNING id", [id]);
      return rows.length > 0;
    },
    async count(): Promise<number> {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM cameras");
      return rows[0]?.n ?? 0;
    },
  };
}
export type CamerasRepository = ReturnType<typeof createCamerasRepository>;

function sealedConfig(camera: CameraConfig, secrets: CameraSecrets): StoredConfig {
  if (!urlHasCredentials(camera.url)) return camera;
  return { ...camera, url: stripUrlCredentials(camera.url), urlSealed: secrets.seal(camera.url, camera.id) };
}

/** Arbitrary but fixed: instances starting together seal the stored rows one at a time. */
const SEALING_LOCK_KEY = 0x56_49_47_32; // "VIG2"

/**
 * Start-up pass over the stored cameras, idempotent: a URL still in plain text with credentials
 * (rows written before encryption at rest) is sealed; a URL sealed with a previous key is re-sealed
 * with the current one. A sealed URL that no configured key opens stops the start with an error
 * that names the camera: running on would hand ingest URLs without their passwords.
 */
export async function sealStoredCameraUrls(db: Database, secrets: CameraSecrets): Promise<{ sealed: string[]; resealed: string[] }> {
  return db.withAdvisoryLock(SEALING_LOCK_KEY, async (conn) => {
    const { rows } = await conn.query<{ id: string; config: StoredConfig }>("SELECT id, config FROM cameras ORDER BY id");
    const sealed: string[] = [];
    const resealed: string[] = [];
    const unreadable: string[] = [];
    for (const { id, config } of rows) {
      const { urlSealed, ...rest } = config;
      let url: string;
      if (typeof urlSealed === "string") {
        try {
          url = secrets.open(urlSealed, id);
        } catch (err) {
          if (!(err instanceof CameraSecretError)) throw err;
          unreadable.push(`  - camera "${id}": ${err.message}`);
          continue;
        }
        if (secrets.isCurrent(urlSealed)) continue;
        resealed.push(id);
      } else if (typeof rest.url === "string" && urlHasCredentials(rest.url)) {
        url = rest.url;
        sealed.push(id);
      } else {
        continue;
      }
      const next = { ...rest, url: stripUrlCredentials(url), urlSealed: secrets.seal(url, id) };
      await conn.query("UPDATE cameras SET config = $2 WHERE id = $1", [id, JSON.stringify(next)]);
    }
    if (unreadable.length) {
      throw new CameraSecretError(`stored camera credentials cannot be decrypted (set CAMERA_SECRETS_KEY to the key they were written with, or name that key in CAMERA_SECRETS_KEY_PREVIOUS):\n${unreadable.join("\n")}`);
    }
    return { sealed, resealed };
  });
}
