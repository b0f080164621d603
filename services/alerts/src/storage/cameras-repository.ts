import { cameraConfigSchema, type CameraConfig } from "@vigil/contracts";
import type { Queryable } from "./database.js";

export function createCamerasRepository(db: Queryable) {
  return {
    async list(): Promise<CameraConfig[]> {
      const { rows } = await db.query<{ config: unknown }>("SELECT config FROM cameras ORDER BY id");
      return rows.flatMap((r) => {
        const parsed = cameraConfigSchema.safeParse(r.config);
        return parsed.success ? [parsed.data] : [];
      });
    },
    async get(id: string): Promise<CameraConfig | null> {
      const { rows } = await db.query<{ config: unknown }>("SELECT config FROM cameras WHERE id = $1", [id]);
      const parsed = rows[0] ? cameraConfigSchema.safeParse(rows[0].config) : null;
      return parsed?.success ? parsed.data : null;
    },
    /** Inserts; returns false when the id is taken. */
    async create(camera: CameraConfig): Promise<boolean> {
      const { rows } = await db.query("INSERT INTO cameras (id, config) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id", [camera.id, JSON.stringify(camera)]);
      return rows.length > 0;
    },
    /** Where each camera was declared (the cameras file or the API). */
    async sources(): Promise<Map<string, "file" | "api">> {
      const { rows } = await db.query<{ id: string; source: "file" | "api" }>("SELECT id, source FROM cameras");
      return new Map(rows.map((r) => [r.id, r.source]));
    },
    /** The cameras file's version of a camera: inserted or replaced, and marked as the file's. */
    async putFromFile(camera: CameraConfig): Promise<void> {
      await db.query(
        "INSERT INTO cameras (id, config, source) VALUES ($1, $2, 'file') ON CONFLICT (id) DO UPDATE SET config = excluded.config, source = 'file', updated_at = now()",
        [camera.id, JSON.stringify(camera)],
      );
    },
    async upsert(camera: CameraConfig): Promise<void> {
      await db.query(
        "INSERT INTO cameras (id, config) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = now()",
        [camera.id, JSON.stringify(camera)],
      );
    },
    async update(camera: CameraConfig): Promise<void> {
      await db.query("UPDATE cameras SET config = $2, updated_at = now() WHERE id = $1", [camera.id, JSON.stringify(camera)]);
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
