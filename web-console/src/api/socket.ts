import {
  alertSchema,
  cameraStatusSchema,
  plateEventSchema,
  type Alert,
  type CameraStatus,
  type ClientToServerEvents,
  type PlateEvent,
  type ServerToClientEvents,
} from "@vigil/contracts";
import { io, type Socket } from "socket.io-client";

export type VigilSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveHandlers {
  onAlertNew(alert: Alert): void;
  onAlertUpdate(alert: Alert): void;
  onCameraStatus(status: CameraStatus): void;
  onPlateRead(event: PlateEvent): void;
  onConnection(connected: boolean): void;
}

export interface LiveFeed {
  socket: VigilSocket;
  /** Messages that failed the shared schema and were dropped, per event name. */
  rejected: Record<keyof ServerToClientEvents, number>;
  close(): void;
}

/**
 * Connects to the alert service's Socket.IO on the same origin; the session cookie authenticates
 * the handshake. Every message is checked against the shared schema: a bad one is counted and
 * dropped, never allowed to break the screen.
 */
export function connectLiveFeed(handlers: LiveHandlers, url?: string): LiveFeed {
  // WebSocket first (no long-polling delay on alerts); polling remains the fallback for proxies that block it.
  const options = { withCredentials: true, transports: ["websocket", "polling"] };
  const socket: VigilSocket = url ? io(url, options) : io(options);
  const rejected: LiveFeed["rejected"] = { "alert:new": 0, "alert:update": 0, "camera:status": 0, "plate:read": 0 };

  const guard =
    <T>(name: keyof ServerToClientEvents, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, fn: (v: T) => void) =>
    (raw: unknown) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        rejected[name]++;
        return;
      }
      fn(parsed.data);
    };

  socket.on("alert:new", guard("alert:new", alertSchema, (a) => handlers.onAlertNew(a)));
  socket.on("alert:update", guard("alert:update", alertSchema, (a) => handlers.onAlertUpdate(a)));
  socket.on("camera:status", guard("camera:status", cameraStatusSchema, (s) => handlers.onCameraStatus(s)));
  socket.on("plate:read", guard("plate:read", plateEventSchema, (e) => handlers.onPlateRead(e)));
  socket.on("connect", () => handlers.onConnection(true));
  socket.on("disconnect", () => handlers.onConnection(false));
  socket.on("connect_error", () => handlers.onConnection(false));

  return {
    socket,
    rejected,
    close: () => {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
