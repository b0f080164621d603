import type { Alert } from "./messages/alert.js";
import type { AlertTakenDetails } from "./api/alert-workflow.js";
import type { CameraStatus } from "./messages/camera-status.js";
import type { PlateEvent } from "./messages/plate-event.js";

export interface AckResult {
  ok: boolean;
  error?: string;
  /** Why it failed: "not_found", "invalid_transition", or "already_acknowledged" (then `taken` says by whom and when). */
  code?: string;
  taken?: AlertTakenDetails;
  alert?: Alert;
}

/** Events the alert service pushes to consoles. Shared by server and console so a misspelt event fails to compile. */
export interface ServerToClientEvents {
  "alert:new": (alert: Alert) => void;
  "alert:update": (alert: Alert) => void;
  "camera:status": (status: CameraStatus) => void;
  "plate:read": (event: PlateEvent) => void;
}

/** Events consoles send to the alert service. */
export interface ClientToServerEvents {
  "alert:ack": (request: { id: string; note?: string }, reply?: (result: AckResult) => void) => void;
}
