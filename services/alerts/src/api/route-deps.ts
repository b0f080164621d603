import type { FastifyRequest } from "fastify";
import type { AuthService } from "../auth/auth-service.js";
import type { AuditRepository } from "../storage/audit-repository.js";
import type { UsersRepository } from "../storage/users-repository.js";
import type { PlateReadsRepository } from "../storage/plate-reads-repository.js";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import type { AlertService } from "../alerting/alert-service.js";
import type { WatchlistService } from "../watchlist/watchlist-service.js";
import type { CameraService } from "../cameras/camera-service.js";
import type { AlertsMetrics } from "../metrics.js";

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
  consoleDir: string | null;
  /** The service token ingest sends for the full camera list (INGEST_API_TOKEN); absent: no internal route. */
  ingestApiToken?: string;
  /** `writer` is present only when pending plate reads have waited too long without a commit. */
  ready(): Promise<{ database: boolean; broker: boolean; writer?: { stalledS: number; pending: number } }>;
}

/** Writes one audit entry for the request's user; auditing never blocks the reply on failure. */
export async function audit(deps: RouteDeps, req: FastifyRequest, action: string, target: string | null, details?: Record<string, unknown>): Promise<void> {
  await deps.audit.write({ username: req.session?.user.username ?? null, action, target, details: details ?? null, ip: req.ip });
}
