#!/bin/sh
# Builds the password file from one secret per service so none is committed, then runs the broker.
# Rotate a password: change it in .env, then restart the broker and that service (docker compose up -d).
set -e
: "${MQTT_PASSWORD_INGEST:?MQTT_PASSWORD_INGEST is required}"
: "${MQTT_PASSWORD_INFERENCE:?MQTT_PASSWORD_INFERENCE is required}"
: "${MQTT_PASSWORD_ALERTS:?MQTT_PASSWORD_ALERTS is required}"
rm -f /mosquitto/data/passwd
touch /mosquitto/data/passwd
chmod 0700 /mosquitto/data/passwd
mosquitto_passwd -b /mosquitto/data/passwd vigil-ingest "$MQTT_PASSWORD_INGEST"
mosquitto_passwd -b /mosquitto/data/passwd vigil-inference "$MQTT_PASSWORD_INFERENCE"
mosquitto_passwd -b /mosquitto/data/passwd vigil-alerts "$MQTT_PASSWORD_ALERTS"
exec mosquitto -c /mosquitto/config/mosquitto.conf
