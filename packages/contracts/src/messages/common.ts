import { z } from "zod";

/** Every MQTT payload carries this; bump it only with a migration path for old consumers. */
export const SCHEMA_VERSION = 1 as const;
export const schemaVersionField = z.literal(SCHEMA_VERSION);

/** ISO 8601 UTC timestamp with a `Z` or an explicit offset. */
export const isoTimestamp = z.iso.datetime({ offset: true });

/** A normalised box: [x, y, w, h], each 0..1 of the frame. */
export const normalisedBox = z
  .tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)])
  .describe("[x, y, w, h] as fractions of the frame");
export type NormalisedBox = z.infer<typeof normalisedBox>;

/** Camera ids appear in MQTT topics and URLs, so they are restricted to a safe slug. */
export const cameraId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "camera id must be letters, digits, '-' or '_'");

/**
 * A system alert is not about a camera, but `cameraId` is required on every alert (consumers rely on
 * it): system alerts carry this one, which the cameras file and API refuse as a real camera's id.
 */
export const SYSTEM_ALERT_CAMERA_ID = "vigil-system";

/** Rows of a plate: 1 (cars) or 2 (motorbikes, square plates). One literal set so errors read "expected one of 1|2". */
export const plateRows = z.literal([1, 2]);

export const DEFAULT_TOPIC_PREFIX = "vigil";
