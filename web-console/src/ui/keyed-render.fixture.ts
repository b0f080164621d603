/**
 * Browser entry for `keyed-render.test.ts`: the real alerts panel and cameras view on the real
 * stores, with a fake context (no API, no map). Bundled by the console's own Vite and loaded into
 * Chromium; the test drives it through `window.keyed`.
 */
import type { Alert, CameraStatus, CameraView } from "@vigil/contracts";
import { AlertStore } from "../alerts/alert-store.js";
import { AlertsPanel } from "../alerts/alerts-panel.js";
import type { AppContext } from "../app/context.js";
import { CameraStore } from "../cameras/camera-store.js";
import { CamerasView } from "../cameras/cameras-view.js";

const alerts = new AlertStore();
const cameras = new CameraStore();
const focused: string[] = [];
const ctx = {
  user: { id: "u1", username: "supervisor1", role: "supervisor" },
  alerts,
  cameras,
  map: { cameras: { focus: (id: string) => focused.push(id), flash: () => undefined } },
  can: () => true,
  toast: () => undefined,
  show: () => undefined,
} as unknown as AppContext;

const panel = new AlertsPanel(ctx);
const camerasView = new CamerasView(ctx);
document.body.append(panel.element, camerasView.element);

/** Which cards / rows had anything inside them changed since `watch()`, by id. */
let touched = new Set<string>();
const observer = new MutationObserver((records) => {
  for (const r of records) {
    // A card or row moved within its list shows up as a childList change of the list itself: that is
    // a move, not a redraw, so only changes inside an item count.
    const node = r.target instanceof Element ? r.target : r.target.parentElement;
    const item = node?.closest<HTMLElement>("[data-alert-id],[data-camera-id]");
    if (item) touched.add(item.dataset["alertId"] ?? item.dataset["cameraId"] ?? "");
  }
});
observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

const keyed = {
  alerts,
  cameras,
  panel,
  camerasView,
  focused,
  upsertAlerts(items: Alert[]) {
    alerts.upsertMany(items);
  },
  upsertAlert(item: Alert) {
    return alerts.upsert(item);
  },
  setCameras(list: CameraView[]) {
    cameras.replaceAll(list);
    camerasView.render();
  },
  async applyStatus(status: CameraStatus) {
    cameras.applyStatus(status);
    // The view coalesces statuses to one redraw a frame.
    await nextFrame();
    await nextFrame();
  },
  /** Starts recording which items get redrawn; `touchedIds()` reads them out. */
  async watch() {
    observer.takeRecords();
    touched = new Set();
  },
  touchedIds() {
    for (const r of observer.takeRecords()) {
      const node = r.target instanceof Element ? r.target : r.target.parentElement;
      const item = node?.closest<HTMLElement>("[data-alert-id],[data-camera-id]");
      if (item) touched.add(item.dataset["alertId"] ?? item.dataset["cameraId"] ?? "");
    }
    return [...touched].sort();
  },
};

declare global {
  interface Window {
    keyed: typeof keyed;
  }
}
window.keyed = keyed;
