export { composeAlerts, openAlertsDatabase, type AlertsAdapters } from "./compose.js";
export { startAlerts, type StartAlertsDeps, type AlertsService } from "./app.js";
export { configFromEnv, DEFAULT_MQTT_URL, type AlertsConfig } from "./config.js";
export { loadAlertsEnv, type AlertsEnv } from "./env.js";
export { createPgDatabase, createPgliteDatabase, type Database } from "./storage/database.js";
export { migrate } from "./storage/migrate.js";
export { createAlertsMetrics } from "./metrics.js";
export { createCameraSecrets, decodeSecretsKey, generateSecretsKey, CameraSecretError, type CameraSecrets } from "./cameras/camera-secrets.js";
