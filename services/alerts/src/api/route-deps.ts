import type { FastifyRequest } from "fastify";
import { ROOT_UNIT_ID } from "@vigil/contracts";
import type { AuthService } from "../auth/auth-service.js";
import type { AuditRepository } from "../storage/audit-repository.js";
import type { UsersRepository } from "../storage/users-repository.js";
import type { PlateReadsRepository } from "../storage/plate-reads-repository.js";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import type { AlertService } from "../alerting/alert-service.js";
import type { WatchlistService } from "../watchlist/watchlist-service.js";
import type { CameraService } from "../cameras/camera-service.js";
import type { AlertsMetrics } from "../metrics.js";
import type { WebhookService } from "../webhooks/webhook-service.js";
import type { MediaIntegrity } from "../evidence/media-integrity.js";
import type { IntegrityChecker } from "../integrity/integrity-check.js";
import type { CaseExportInput, TrackCaseExportInput } from "../export/case-export.js";
import type { ExportSigningKey } from "../export/signing-key.js";
import type { UnitService } from "../units/unit-service.js";
import type { MapTiles } from "../map/map-tiles.js";
import type { IngestMediaClient } from "../media/ingest-media.js";
import type { ShiftReportRepository } from "../storage/shift-report-repository.js";

/** Everything the HTTP routes use, injected by the composition root (tests build their own). */
export interface RouteDeps {
  auth: AuthService;
  users: UsersRepository;
  audit: AuditRepository;
  plateReads: PlateReadsRepository;
  alertsRepo: AlertsRepository;
  alerts: AlertService;
  watchlist: WatchlistService;
  cameras: CameraService;
  /** The unit tree and every user's scope (unit-scope.ts filters each route with it). */
  units: UnitService;
  metrics: AlertsMetrics;
  fuzzyThreshold: number;
  sessionTtlMs: number;
  /** Failed logins per account per rolling hour before it is locked out. */
  /** Bearer token that lets a metrics scraper read /metrics without a session. */
  metricsToken?: string;
  loginFailuresPerHour: number;
  cookieSecure: boolean;
  loginRateLimitPerMin: number;
  mediaDir: string;
  /** Checks evidence files against their recorded SHA-256 before /media serves them; absent: served unchecked. */
  mediaIntegrity?: MediaIntegrity;
  /** The audit-chain and media-hash verification (GET /api/v1/admin/verify); absent: 503. */
  integrity?: IntegrityChecker;
  /** Signed case exports (GET /api/v1/alerts/{id}/export, GET /api/v1/plates/{plate}/track/export) and their public key; absent: 503. */
  caseExport?: { key: ExportSigningKey; build(input: CaseExportInput): Promise<{ zip: Uint8Array }>; buildTrack(input: TrackCaseExportInput): Promise<{ zip: Uint8Array }> };
  /** PUBLIC_BASE_URL: where users reach the service (exports link evidence under it); absent: the request's host. */
  publicBaseUrl?: string;
  /** TRUST_PROXY: which proxies' X-Forwarded-For/-Proto/-Host to believe (fastify's `trustProxy`); absent: none. */
  trustProxy?: boolean | number | string[];
  consoleDir: string | null;
  /** The street map under the cameras (map/map-tiles.ts); absent: none, the console draws its outlines. */
  mapTiles?: MapTiles;
  /** The service token ingest sends for the full camera list (INGEST_API_TOKEN); absent: no internal route. */
  ingestApiToken?: string;
  /** Ingest's live streams and clips (INGEST_URL + INGEST_API_TOKEN); absent: no live view (503). */
  ingestMedia?: IngestMediaClient;
  /** Shift figures (GET /api/v1/reports/shift); absent: no report route. */
  shiftReports?: ShiftReportRepository;
  /** Outbound webhooks (admin API); absent: no /api/v1/webhooks routes. */
  webhooks?: WebhookService;
  /** `writer` is present only when pending plate reads have waited too long without a commit. */
  ready(): Promise<{ database: boolean; broker: boolean; writer?: { stalledS: number; pending: number } }>;
}

/** Writes one audit entry for the request's user; auditing never blocks the reply on failure. */
export async function audit(deps: RouteDeps, req: FastifyRequest, action: string, target: string | null, details?: Record<string, unknown>): Promise<void> {
  const user = req.session?.user;
  await deps.audit.write({ username: user?.username ?? null, action, target, details: details ?? null, ip: req.ip, unitId: user ? (user.unitId ?? ROOT_UNIT_ID) : null });
}
