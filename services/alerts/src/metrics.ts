import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry per service instance (tests build several in one process). */
export function createAlertsMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    messagesReceived: new Counter({ name: "vigil_alerts_messages_received_total", help: "MQTT messages received", labelNames: ["kind"], registers: [registry] }),
    messagesRejected: new Counter({ name: "vigil_alerts_messages_rejected_total", help: "Payloads rejected to the dead-letter topic", labelNames: ["kind"], registers: [registry] }),
    deadLetters: new Counter({
      name: "vigil_alerts_dead_letters_total",
      help: "Events sent to the dead-letter topic, by kind and reason (invalid, ts_out_of_window, unknown_camera, display_mismatch, evidence_path, storage)",
      labelNames: ["kind", "reason"],
      registers: [registry],
    }),
    platesStored: new Counter({ name: "vigil_alerts_plate_reads_stored_total", help: "Plate reads committed to the database", registers: [registry] }),
    platesDuplicate: new Counter({ name: "vigil_alerts_plate_reads_duplicate_total", help: "Plate reads ignored because their id + ts (or a later revision) was already stored", registers: [registry] }),
    batchSeconds: new Histogram({ name: "vigil_alerts_batch_write_seconds", help: "Time to commit one batch", buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry] }),
    storageErrors: new Counter({ name: "vigil_alerts_storage_errors_total", help: "Failed database writes (retried)", registers: [registry] }),
    pendingWrites: new Gauge({ name: "vigil_alerts_pending_writes", help: "Messages received but not yet stored (unacknowledged)", registers: [registry] }),
    alertsRaised: new Counter({ name: "vigil_alerts_raised_total", help: "Alerts raised", labelNames: ["type"], registers: [registry] }),
    alertsSuppressed: new Counter({ name: "vigil_alerts_suppressed_total", help: "Alerts suppressed by de-duplication/cooldown", labelNames: ["type"], registers: [registry] }),
    socketClients: new Gauge({ name: "vigil_alerts_socket_clients", help: "Connected Socket.IO clients", registers: [registry] }),
    loginFailures: new Counter({ name: "vigil_alerts_login_failures_total", help: "Failed logins", registers: [registry] }),
    fireFeedback: new Counter({
      name: "vigil_alerts_fire_feedback_total",
      help: "Fire/smoke false alarms offered to the feedback store, by outcome (saved, missing_snapshot, failed)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    clips: new Counter({
      name: "vigil_alerts_clips_total",
      help: "Event clips asked of ingest for plate and fire alerts, by result (written, no_video, failed, disabled, too_old, unreachable)",
      labelNames: ["result"],
      registers: [registry],
    }),
    evidenceTampered: new Counter({
      name: "vigil_alerts_evidence_tampered_total",
      help: "Evidence files refused because their bytes no longer match the SHA-256 recorded when they were written",
      registers: [registry],
    }),
    integrityChecks: new Counter({
      name: "vigil_alerts_integrity_checks_total",
      help: "Audit-chain and media-hash checks (periodic self-check, npm run verify through the API), by result (ok, broken)",
      labelNames: ["result"],
      registers: [registry],
    }),
    mediaRetentionFiles: new Counter({ name: "vigil_alerts_media_retention_files_removed_total", help: "Evidence files deleted by media retention (MEDIA_RETENTION_DAYS)", registers: [registry] }),
    mediaRetentionBytes: new Counter({ name: "vigil_alerts_media_retention_bytes_removed_total", help: "Bytes of evidence files deleted by media retention", registers: [registry] }),
    mediaRetentionErrors: new Counter({
      name: "vigil_alerts_media_retention_errors_total",
      help: "Media retention failures, by stage (walk: a folder or file could not be read, database, unlink, audit, run: the pass could not start)",
      labelNames: ["stage"],
      registers: [registry],
    }),
    mediaRetentionRuns: new Counter({
      name: "vigil_alerts_media_retention_runs_total",
      help: "Media retention passes, by result (removed, nothing, skipped: another instance was running it, failed)",
      labelNames: ["result"],
      registers: [registry],
    }),
    camerasFileReloads: new Counter({
      name: "vigil_alerts_cameras_file_reloads_total",
      help: "Looks at CAMERAS_FILE after it changed, by result (applied, unchanged, invalid: kept the running cameras, failed: could not be stored)",
      labelNames: ["result"],
      registers: [registry],
    }),
  };
  return m;
}
export type AlertsMetrics = ReturnType<typeof createAlertsMetrics>;
