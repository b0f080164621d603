import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { alertMessage, camerasConfigMessage, encodePayload, ROOT_UNIT_ID, type Alert, type CameraConfig, type PlateEvent } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { AlertsConfig } from "./config.js";
import type { Database } from "./storage/database.js";
import { migrate } from "./storage/migrate.js";
import { createPartitionManager } from "./storage/partitions.js";
import { createPlateReadsRepository } from "./storage/plate-reads-repository.js";
import { createCamerasRepository, sealStoredCameraUrls } from "./storage/cameras-repository.js";
import { createCameraSecrets, type CameraSecrets } from "./cameras/camera-secrets.js";
import { loadOrCreateSecretsKeyFile } from "./cameras/secrets-key-file.js";
import { createUsersRepository } from "./storage/users-repository.js";
import { createAuditRepository } from "./storage/audit-repository.js";
import { createWatchlistRepository } from "./storage/watchlist-repository.js";
import { alertMediaInUse, createAlertsRepository } from "./storage/alerts-repository.js";
import { createShiftReportRepository } from "./storage/shift-report-repository.js";
import { createAlertsMetrics, type AlertsMetrics } from "./metrics.js";
import { createAuthService } from "./auth/auth-service.js";
import { createAlertService, type AlertNotifier } from "./alerting/alert-service.js";
import { alertInUnitTree, parentUnitEscalation } from "./alerting/escalation-target.js";
import { createWebhookService } from "./webhooks/webhook-service.js";
import { createWebhooksRepository } from "./webhooks/webhooks-repository.js";
import { createFetchSender } from "./webhooks/webhook-sender.js";
import { DEFAULT_BACKOFF } from "./webhooks/webhook-backoff.js";
import { createCameraStatusTracker } from "./alerting/camera-status-tracker.js";
import { createWatchlistMatcher } from "./watchlist/watchlist-matcher.js";
import { createWatchlistService } from "./watchlist/watchlist-service.js";
import { createCameraService } from "./cameras/camera-service.js";
import { followCamerasFile } from "./cameras/cameras-file-follower.js";
import { createCameraUptime } from "./cameras/camera-uptime.js";
import { createCameraStateLogRepository } from "./storage/camera-state-log-repository.js";
import { createBatchWriter } from "./consumer/batch-writer.js";
import { createEventAdmission, eventTimeWindow, type AdmissionPolicy } from "./consumer/event-admission.js";
import { classifyStorageError } from "./storage/storage-errors.js";
import { startMqttConsumer, type MqttConsumer } from "./consumer/mqtt-consumer.js";
import { buildHttpServer } from "./api/http-server.js";
import { startSocketServer, type SocketServer } from "./realtime/socket-server.js";
import { createFireFeedbackStore } from "./feedback/fire-feedback-store.js";
import { createUnitsRepository } from "./storage/units-repository.js";
import { createUnitService } from "./units/unit-service.js";
import { SYSTEM_ALERT_ROLE } from "./units/unit-scope.js";
import { closeMapTiles, openMapTiles, type MapTiles } from "./map/map-tiles.js";
import { createMediaHashesRepository } from "./storage/media-hashes-repository.js";
import { mediaHashesOf } from "./evidence/evidence-hashes.js";
import { createMediaIntegrity } from "./evidence/media-integrity.js";
import { applyAuditRetention } from "./integrity/audit-chain.js";
import { createIntegrityChecker, startIntegritySelfCheck } from "./integrity/integrity-check.js";
import { loadOrCreateExportSigningKey } from "./export/signing-key.js";
import { createCaseExporter } from "./export/case-export.js";
import { createIngestMediaClient } from "./media/ingest-media.js";
import { createClipAttacher, type ClipAttacher } from "./media/clip-attacher.js";
import { createMediaRetention, startMediaRetention } from "./media/media-retention-job.js";

export interface StartAlertsDeps {
  config: AlertsConfig;
  logger: Logger;
  db: Database;
  /** Cameras from CAMERAS_FILE, applied on start (the file wins for them; API-created cameras are kept). */
  cameras?: CameraConfig[];
  /** CAMERAS_FILE's path: followed while running, each valid edit applied like `cameras` on start. */
  camerasFile?: string;
  /** Called with the full camera list after every API change (npm start wires it to ingest). */
  onCamerasChanged?: (cameras: CameraConfig[]) => void | Promise<void>;
  metrics?: AlertsMetrics;
  /** Print the generated admin password (called once, on the start that created the admin). */
  onGeneratedAdminPassword?: (password: string) => void;
  /** Ingest's base URL(s) for live view and clips, over config.ingestUrls (npm start: its in-process ingest, known once started). */
  ingestUrls?: () => string[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The configured key, else the key file's (created on first start); previous keys only decrypt. */
async function cameraSecretsFrom(config: AlertsConfig, logger: Logger): Promise<CameraSecrets> {
  let key = config.cameraSecretsKey;
  if (!key && config.cameraSecretsKeyFile) {
    const file = await loadOrCreateSecretsKeyFile(config.cameraSecretsKeyFile);
    if (file.created) logger.warn({ file: config.cameraSecretsKeyFile }, "generated the key that encrypts camera credentials in the database; keep this file (without it they cannot be read), or set CAMERA_SECRETS_KEY");
    key = file.key;
  }
  if (!key) throw new Error("the alert service needs cameraSecretsKey or cameraSecretsKeyFile (CAMERA_SECRETS_KEY)");
  return createCameraSecrets(key, config.cameraSecretsPreviousKeys ?? []);
}

/**
 * Builds and starts the alert service: migrations → repositories → alerting → HTTP + Socket.IO →
 * MQTT consumer. `close()` stops them in reverse order within a bounded time.
 */
export async function startAlerts(deps: StartAlertsDeps) {
  const { config, logger, db } = deps;
  const metrics = deps.metrics ?? createAlertsMetrics();
  await mkdir(config.mediaDir, { recursive: true });
  // First: a MAP_TILES_FILE that cannot be served stops the start before anything else is touched.
  const mapTiles: MapTiles = config.mapTiles ? openMapTiles(config.mapTiles, logger.child({ module: "map" })) : { kind: "none" };

  const migrated = await migrate(db);
  if (migrated.applied.length) logger.info({ applied: migrated.applied }, "database migrations applied");
  // Camera URLs with credentials are encrypted at rest: rows from before that, or under a rotated key, are sealed now.
  const cameraSecrets = await cameraSecretsFrom(config, logger);
  const sealing = await sealStoredCameraUrls(db, cameraSecrets);
  if (sealing.sealed.length || sealing.resealed.length) logger.info({ encrypted: sealing.sealed, reencrypted: sealing.resealed, keyId: cameraSecrets.keyId }, "camera credentials encrypted in the database");
  const admissionPolicy: AdmissionPolicy = {
    retentionDays: config.retentionDays,
    maxFutureSkewMs: config.eventClockSkewMs ?? 300_000,
    mediaDir: config.mediaDir,
  };
  // Day partitions on demand only for the times the consumer admits (no p99991231, no p19700101).
  const partitions = createPartitionManager(db, { onDemandWindow: () => eventTimeWindow(admissionPolicy, Date.now()) });
  await partitions.createAhead();
  await partitions.applyRetention(config.retentionDays);

  const plateReads = createPlateReadsRepository(db, partitions);
  const users = createUsersRepository(db);
  const audit = createAuditRepository(db);
  // Evidence hashes (#19): what /media, the integrity check and case exports compare files with.
  const mediaHashes = createMediaHashesRepository(db);
  const mediaIntegrity = createMediaIntegrity({ recordedHash: (url) => mediaHashes.get(url) });
  // Audit is kept longer than plate reads (AUDIT_RETENTION_DAYS); the oldest rows go as a chain prefix.
  const auditRetentionDays = config.auditRetentionDays ?? 365;
  await applyAuditRetention(db, auditRetentionDays);
  const exportKey = config.exportSigningKeyFile ? await loadOrCreateExportSigningKey(config.exportSigningKeyFile) : undefined;
  if (exportKey?.created) logger.warn({ file: config.exportSigningKeyFile, fingerprint: exportKey.fingerprint }, "generated the Ed25519 key that signs case exports; keep this file, and publish its public key (GET /api/v1/export-key)");
  const alertsRepo = createAlertsRepository(db);
  const units = createUnitService({ units: createUnitsRepository(db) });
  const auth = createAuthService({ users, sessionTtlMs: config.sessionTtlMs, ...(config.sessionIdleMs ? { sessionIdleMs: config.sessionIdleMs } : {}), logger: logger.child({ module: "auth" }) });
  const admin = await auth.ensureFirstAdmin(config.adminPassword);
  if (admin.generatedPassword) {
    if (deps.onGeneratedAdminPassword) deps.onGeneratedAdminPassword(admin.generatedPassword);
    else logger.warn({ username: "admin", generatedPassword: admin.generatedPassword }, "created the first admin with a generated password (shown once; set VIGIL_ADMIN_PASSWORD to choose it)");
  }

  // Sockets and MQTT start after the HTTP server; the notifier reaches them once they exist.
  let socket: SocketServer | null = null;
  let consumer: MqttConsumer | null = null;
  const publishAlert = (a: Parameters<AlertNotifier["alertNew"]>[0]) => {
    consumer?.publish(alertMessage.topic(config.topicPrefix), encodePayload(alertMessage.schema, a), { qos: alertMessage.qos }).catch((err: unknown) => logger.warn({ err }, "publishing an alert failed"));
  };
  // Whose consoles an alert reaches (unit-scope.ts): its camera's unit, its watchlist entry's, the unit
  // it was given to. Bound once the camera and watchlist services exist (alerts restore before them).
  let cameraUnit = (_cameraId: string): string => ROOT_UNIT_ID;
  let entryUnit = (_watchlistId: string): string | undefined => undefined;
  const alertUnits = (a: Alert): string[] => [cameraUnit(a.cameraId), a.watchlistId ? entryUnit(a.watchlistId) : undefined, a.assignedUnitId ?? undefined].filter((u): u is string => !!u);
  // System alerts (a locked account, failed integrity) are for administrators only.
  const pushAlert = (event: "alert:new" | "alert:update", a: Alert) => (a.type === "system" ? socket?.emit(event, SYSTEM_ALERT_ROLE, a) : socket?.emitToUnits(event, alertUnits(a), a));
  const notifier: AlertNotifier = {
    alertNew(a) {
      clipAttacher?.onRaised(a);
      pushAlert("alert:new", a);
      publishAlert(a);
    },
    alertUpdate(a) {
      pushAlert("alert:update", a);
      publishAlert(a);
    },
  };
  const fireFeedback = createFireFeedbackStore({ dir: config.fireFeedbackDir, mediaDir: config.mediaDir, logger: logger.child({ module: "fire-feedback" }), metrics });
  // Outbound webhooks: alert events queue deliveries in the database; secrets sealed like camera credentials.
  const webhookTimeoutMs = config.webhooks?.timeoutMs ?? 10_000;
  const webhooks = createWebhookService({
    repo: createWebhooksRepository(db),
    secrets: cameraSecrets,
    send: createFetchSender({ timeoutMs: webhookTimeoutMs }),
    logger: logger.child({ module: "webhooks" }),
    backoff: { ...DEFAULT_BACKOFF, ...config.webhooks?.backoff },
    leaseMs: webhookTimeoutMs + 5_000,
    ...(config.webhooks?.pollMs ? { pollMs: config.webhooks.pollMs } : {}),
    inUnit: alertInUnitTree(units),
  });
  await webhooks.start();
  // Live view and event clips come from ingest (its one pull of each camera), with the service token.
  const ingestUrls = deps.ingestUrls ?? (() => config.ingestUrls ?? []);
  const ingestMedia = config.ingestApiToken ? createIngestMediaClient({ urls: ingestUrls, token: config.ingestApiToken }) : undefined;
  let clipAttacher: ClipAttacher | null = null;
  const alerts = createAlertService({
    alerts: alertsRepo, notifier, cooldownMs: config.alertCooldownMs, logger: logger.child({ module: "alerting" }), metrics, resolved: fireFeedback,
    events: webhooks,
    // Unacknowledged too long: up to the supervisors of the unit above the alert's.
    ...(config.escalationMs ? { escalation: { afterMs: config.escalationMs, target: parentUnitEscalation(units) } } : {}),
  });
  await alerts.restore();
  const integrity = createIntegrityChecker({ db, mediaDir: config.mediaDir, hashes: mediaHashes, metrics });
  const selfCheck = config.integrityCheckIntervalMs
    ? startIntegritySelfCheck({ checker: integrity, intervalMs: config.integrityCheckIntervalMs, raiseSystemAlert: (a) => alerts.raiseSystemAlert(a), logger: logger.child({ module: "integrity" }) })
    : undefined;
  const matcher = createWatchlistMatcher({ threshold: config.fuzzyThreshold });
  const watchlist = createWatchlistService({ watchlist: createWatchlistRepository(db), plateReads, matcher, alerts, threshold: config.fuzzyThreshold });
  await watchlist.reload();
  entryUnit = (id) => watchlist.unitOf(id);
  const status = createCameraStatusTracker({
    offlineAlertMs: config.cameraOfflineAlertMs,
    onOfflineTooLong: (s, since) => void alerts.raiseCameraOffline(s.cameraId, since, s.error, s.errorCode),
    onBackOnline: (id) => void alerts.cameraBackOnline(id),
  });
  const cameraLogger = logger.child({ module: "cameras" });
  // Registered cameras only: `cameras` exists by the time the first status arrives.
  const uptime = createCameraUptime({ log: createCameraStateLogRepository(db), isKnown: (id) => cameras.isKnown(id), logger: cameraLogger });
  await uptime.load();
  await uptime.prune(config.retentionDays);
  const cameras = createCameraService({
    uptime,
    cameras: createCamerasRepository(db, cameraSecrets, (camera, err) => cameraLogger.error({ camera, err }, "a camera's stored credentials cannot be decrypted; it is served without them")),
    status,
    logger: cameraLogger,
    // Credential-free (the camera service strips them): any broker client can read this retained message.
    publishConfig: async (list) => {
      const message = encodePayload(camerasConfigMessage.schema, { schemaVersion: 1, ts: new Date().toISOString(), cameras: list });
      await consumer?.publish(camerasConfigMessage.topic(config.topicPrefix), message, { qos: camerasConfigMessage.qos, retain: camerasConfigMessage.retain });
    },
    ...(deps.onCamerasChanged ? { onCamerasChanged: deps.onCamerasChanged } : {}),
  });
  cameraUnit = (id) => cameras.unitOf(id);
  if (ingestMedia) {
    clipAttacher = createClipAttacher({
      ingest: ingestMedia,
      clipsOn: async (id) => (await cameras.get(id).catch(() => null))?.clips !== false,
      recordHash: (path, sha256, eventId) => mediaHashes.record([{ path, sha256, eventId }]),
      attach: (id, clip) => alerts.attachClip(id, clip),
      logger: logger.child({ module: "clips" }),
      onResult: (result) => metrics.clips.inc({ result }),
    });
  }

  const writer = createBatchWriter<PlateEvent>({
    async write(events) {
      const { stored, duplicates } = await plateReads.insertBatch(events);
      await mediaHashes.record(events.flatMap(mediaHashesOf));
      metrics.platesStored.inc(stored);
      metrics.platesDuplicate.inc(duplicates);
    },
    // A value the database refuses (SQLSTATE 22/23/54) splits the batch; that event alone is dead-lettered.
    classify: classifyStorageError,
    maxRows: config.batchMaxRows,
    maxWaitMs: config.batchMaxWaitMs,
    concurrency: config.batchConcurrency ?? 2,
    logger: logger.child({ module: "batch-writer" }),
    onBatch: (_rows, ms) => metrics.batchSeconds.observe(ms / 1000),
    onError: () => metrics.storageErrors.inc(),
  });
  const writerStallMs = config.writerStallMs ?? 30_000;

  const app = await buildHttpServer(
    {
      auth, users, audit, plateReads, alertsRepo, alerts, watchlist, cameras, units, metrics, webhooks,
      shiftReports: createShiftReportRepository(db),
      fuzzyThreshold: config.fuzzySearchThreshold,
      sessionTtlMs: config.sessionTtlMs,
      loginFailuresPerHour: config.loginFailuresPerHour ?? 100,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      cookieSecure: config.cookieSecure,
      loginRateLimitPerMin: config.loginRateLimitPerMin,
      mediaDir: config.mediaDir,
      mediaIntegrity,
      integrity,
      ...(exportKey
        ? { caseExport: createCaseExporter({ db, mediaDir: config.mediaDir, key: exportKey, recordedHashes: (paths) => mediaHashes.getMany(paths) }) }
        : {}),
      ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      consoleDir: config.consoleDir,
      mapTiles,
      ...(config.ingestApiToken ? { ingestApiToken: config.ingestApiToken } : {}),
      ...(ingestMedia ? { ingestMedia } : {}),
      async ready() {
        const database = await Promise.race([
          db.query("SELECT 1").then(() => true, () => false),
          new Promise<boolean>((r) => setTimeout(() => r(false), 1_500).unref()),
        ]);
        const broker = consumer?.connected() ?? false;
        // Events waiting without any commit for too long: storage is stuck even if `SELECT 1` works.
        const stalledMs = writer.stalledMs();
        if (stalledMs < writerStallMs) return { database, broker };
        return { database, broker, writer: { stalledS: Math.round(stalledMs / 1000), pending: writer.pending() } };
      },
    },
    logger,
  );
  await app.listen({ host: config.host, port: config.port });
  socket = await startSocketServer({ httpServer: app.server, auth, alerts, audit, metrics, units, alertsRepo, logger: logger.child({ module: "socket" }), ...(config.redisUrl ? { redisUrl: config.redisUrl, redisKey: config.topicPrefix } : {}), ...(config.socketAllowedOrigins ? { allowedOrigins: config.socketAllowedOrigins } : {}) });

  // Registered before the consumer starts: redelivered events of seeded cameras are admitted.
  // A file given, even an empty one, is applied: cameras it no longer declares go (API-created ones stay).
  if (deps.cameras) await cameras.seed(deps.cameras);
  const unitTree = await units.tree();
  const unitless = (deps.cameras ?? []).filter((c) => c.unitId && !unitTree.has(c.unitId));
  // Still served, but only to those who see everything until the unit exists (admins, the root unit).
  if (unitless.length) logger.warn({ cameras: unitless.map((c) => `${c.id} → ${c.unitId}`) }, "cameras in the cameras file name units that do not exist; create them on the units page");
  else await cameras.refreshKnown();
  const admission = createEventAdmission({
    policy: admissionPolicy,
    isKnownCamera: (id) => cameras.isKnown(id),
    ...(config.acceptUnknownCameras ? { acceptUnknownCameras: true } : {}),
  });

  consumer = await startMqttConsumer(
    { url: config.mqttUrl, clientId: config.mqttClientId, topicPrefix: config.topicPrefix, sharedSubscription: config.sharedSubscription, logger: logger.child({ module: "mqtt" }), metrics, admission },
    {
      async plate(event) {
        socket?.emitToUnits("plate:read", [cameras.unitOf(event.cameraId)], event);
        const matches = matcher.matchEvent(event, Date.now());
        const raised = matches.length ? alerts.onWatchlistMatches(event, matches) : null;
        metrics.pendingWrites.inc();
        try {
          await writer.add(event);
          await raised?.stored;
        } finally {
          metrics.pendingWrites.dec();
        }
      },
      async fire(event) {
        await mediaHashes.record(mediaHashesOf(event));
        await alerts.onFireEvent(event);
      },
      status(s) {
        status.update(s);
        void uptime.record(s);
        socket?.emitToUnits("camera:status", [cameras.unitOf(s.cameraId)], s);
      },
    },
  );
  if (deps.cameras) await cameras.announce();
  // Edits to the file apply while running, by the same rule as on start; the list is then pushed as an API change is.
  const camerasFile = deps.camerasFile
    ? followCamerasFile({
        file: deps.camerasFile,
        initial: deps.cameras ?? [],
        apply: async (list) => {
          await cameras.seed(list);
          await cameras.announce();
        },
        logger: cameraLogger,
        onReload: (result) => metrics.camerasFileReloads.inc({ result }),
      })
    : undefined;

  const housekeeping = setInterval(() => {
    void (async () => {
      await partitions.createAhead();
      await partitions.applyRetention(config.retentionDays);
      await users.deleteExpiredSessions();
      await applyAuditRetention(db, auditRetentionDays);
      await uptime.prune(config.retentionDays);
      alerts.prune();
      await webhooks.prune();
    })().catch((err: unknown) => logger.warn({ err }, "housekeeping failed"));
  }, HOUR_MS);
  housekeeping.unref();
  // Evidence files follow MEDIA_RETENTION_DAYS (cases keep theirs): at start, in the background (a first
  // pass over a long backlog must not hold up the start), then daily; one instance at a time (advisory lock).
  const mediaLogger = logger.child({ module: "media-retention" });
  const mediaRetention = startMediaRetention({
    retention: createMediaRetention({
      db,
      mediaDir: config.mediaDir,
      retentionDays: config.mediaRetentionDays ?? config.retentionDays,
      hashes: mediaHashes,
      inUse: (paths) => alertMediaInUse(db, paths),
      audit,
      metrics,
      logger: mediaLogger,
    }),
    intervalMs: DAY_MS,
    logger: mediaLogger,
  });

  const port = (app.server.address() as AddressInfo).port;
  logger.info({ port }, "alert service listening");
  let closed = false;
  return {
    app,
    port,
    url: `http://${config.host}:${port}`,
    metrics,
    alerts,
    /** Exposed for `npm start` (the demo's watchlist entry) and tests. */
    watchlist,
    cameras,
    /** The unit tree (tests, tools). */
    units,
    /** Outbound webhooks (tests: flush the queue). */
    webhooks,
    /** Exposed for tests: the camera state log behind `uptime24h`. */
    cameraUptime: uptime,
    /** Exposed for tests and tools: where false-alarm frames are kept. */
    fireFeedback,
    /** Exposed for tests and tools: the audit-chain and evidence-hash check. */
    integrity,
    /** Exposed for tests and tools: deletes evidence files past MEDIA_RETENTION_DAYS (`runNow()`). */
    mediaRetention,
    writer,
    consumer,
    socket,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(housekeeping);
      await mediaRetention.close();
      await camerasFile?.close();
      await selfCheck?.close();
      status.close();
      await consumer?.close().catch(() => undefined);
      await writer.close(3_000);
      await clipAttacher?.close();
      await alerts.close(2_000);
      await webhooks.close(2_000);
      await fireFeedback.close();
      await socket?.close().catch(() => undefined);
      await app.close();
      closeMapTiles(mapTiles);
    },
  };
}
export type AlertsService = Awaited<ReturnType<typeof startAlerts>>;
