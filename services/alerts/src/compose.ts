/**
 * The alert service from its env and adapters: the database (PostgreSQL, or the embedded PGlite),
 * the cameras file's cameras, the logger and the hooks → startAlerts (app.ts: migrations →
 * repositories → alerting → HTTP + Socket.IO → MQTT consumer from MQTT_URL). `main.ts` and
 * `npm start` both run this; new alert-service wiring goes in app.ts's stages, its inputs here.
 */
import { hostname } from "node:os";
import type { CameraConfig } from "@vigil/contracts";
import type { Composition, Logger } from "@vigil/contracts/node";
import { startAlerts, type AlertsService } from "./app.js";
import { configFromEnv } from "./config.js";
import type { AlertsEnv } from "./env.js";
import type { AlertsMetrics } from "./metrics.js";
import { createPgDatabase, createPgliteDatabase, type Database } from "./storage/database.js";

export interface AlertsAdapters {
  logger: Logger;
  /** Owned by the caller (closed after the service). */
  db: Database;
  /** The cameras file's cameras: the file wins for them on every start. */
  cameras?: CameraConfig[];
  /** CAMERAS_FILE's path, to follow while running (edits apply without a restart). */
  camerasFile?: string;
  metrics?: AlertsMetrics;
  /** The full camera list after every change (npm start hands it to its in-process ingest). */
  onCamerasChanged?: (cameras: CameraConfig[]) => void | Promise<void>;
  /** Print the generated admin password (called once, on the start that created the admin). */
  onGeneratedAdminPassword?: (password: string) => void;  /** Ingest's URL(s) when only known after start (npm start's in-process ingest); else INGEST_URL. */
  ingestUrls?: () => string[];
}

/** DATABASE_URL's PostgreSQL, else the embedded PGlite in PGLITE_DIR. */
export async function openAlertsDatabase(env: Pick<AlertsEnv, "DATABASE_URL" | "PGLITE_DIR">): Promise<Database> {
  return env.DATABASE_URL ? createPgDatabase(env.DATABASE_URL) : createPgliteDatabase(env.PGLITE_DIR);
}

export function composeAlerts(env: AlertsEnv, a: AlertsAdapters): Composition<AlertsService> {
  let service: AlertsService | null = null;
  return {
    async start() {
      service = await startAlerts({
        config: configFromEnv(env, hostname()),
        logger: a.logger,
        db: a.db,
        ...(a.cameras ? { cameras: a.cameras } : {}),
        ...(a.camerasFile ? { camerasFile: a.camerasFile } : {}),
        ...(a.metrics ? { metrics: a.metrics } : {}),
        ...(a.onCamerasChanged ? { onCamerasChanged: a.onCamerasChanged } : {}),
        ...(a.onGeneratedAdminPassword ? { onGeneratedAdminPassword: a.onGeneratedAdminPassword } : {}),
        ...(a.ingestUrls ? { ingestUrls: a.ingestUrls } : {}),
      });
      return service;
    },
    async stop() {
      await service?.close();
      service = null;
    },
  };
}
