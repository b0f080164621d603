#!/bin/sh
# Builds the password file from MQTT_PASSWORD so no secret is committed, then runs the broker.
set -e
: "${MQTT_PASSWORD:?MQTT_PASSWORD is required}"
touch /mosquitto/data/passwd
chmod 0700 /mosquitto/data/passwd
mosquitto_passwd -b /mosquitto/data/passwd vigil "$MQTT_PASSWORD"
exec mosquitto -c /mosquitto/config/mosquitto.conf
