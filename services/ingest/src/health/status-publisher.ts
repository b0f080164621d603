import type { MqttClient } from "mqtt";
import { cameraStatusMessage, encodePayload, type CameraStatus } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";

export interface StatusPublisher {
  publish(status: CameraStatus): void;
  /** Clears the retained status of a camera that was removed from the configuration. */
  clear(cameraId: string): void;
}

/** Retained QoS 1 status per camera; a broker outage is logged, never thrown into the pipeline. */
export function createMqttStatusPublisher(mqtt: MqttClient, topicPrefix: string, logger: Logger): StatusPublisher {
  const send = (topic: string, payload: string) =>
    mqtt.publishAsync(topic, payload, { qos: cameraStatusMessage.qos, retain: cameraStatusMessage.retain }).catch((err: unknown) => {
      logger.warn({ err, topic }, "camera status not published");
    });
  return {
    publish(status) {
      void send(cameraStatusMessage.topic(status.cameraId, topicPrefix), encodePayload(cameraStatusMessage.schema, status));
    },
    clear(cameraId) {
      void send(cameraStatusMessage.topic(cameraId, topicPrefix), "");
    },
  };
}

/** When no broker is configured (tests, embedding code that reads `status()` itself). */
export const noStatusPublisher: StatusPublisher = { publish() {}, clear() {} };
