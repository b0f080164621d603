import type { PublicUser, UserRole } from "@vigil/contracts";
import { roleAtLeast } from "@vigil/contracts";
import type { AlertSound } from "../alerts/alert-sound.js";
import type { AlertStore } from "../alerts/alert-store.js";
import type { ApiClient } from "../api/client.js";
import type { CameraStore } from "../cameras/camera-store.js";
import type { MapController } from "../map/map-view.js";

export type ViewName = "alerts" | "search" | "watchlist" | "cameras" | "report" | "audit" | "users" | "units";

/** What every view gets: the API, the live stores, the map and a way to switch views. Built once in main.ts. */
export interface AppContext {
  api: ApiClient;
  user: PublicUser;
  /** Views subscribe to `cameras.changed` / `cameras.reset` and redraw only the rows they name. */
  cameras: CameraStore;
  /** Views subscribe to `alerts.changed` (which alerts changed, whether the selection moved). */
  alerts: AlertStore;
  sound: AlertSound;
  map: MapController;
  show(view: ViewName): void;
  toast(message: string, kind?: "info" | "error"): void;
  can(role: UserRole): boolean;
}

export function canFor(user: PublicUser) {
  return (role: UserRole) => roleAtLeast(user.role, role);
}
