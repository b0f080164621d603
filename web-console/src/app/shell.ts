import { cameraViewSchema, mapConfigResponseSchema, meResponseSchema, type PublicUser } from "@vigil/contracts";
import { z } from "zod";
import { AlertSound } from "../alerts/alert-sound.js";
import { AlertStore } from "../alerts/alert-store.js";
import { AlertsPanel } from "../alerts/alerts-panel.js";
import { LiveAlerts } from "../alerts/live-alerts.js";
import { BrowserNotifications } from "../alerts/browser-notifications.js";
import type { ApiClient } from "../api/client.js";
import { connectLiveFeed } from "../api/socket.js";
import { AuditView } from "../audit/audit-view.js";
import { CameraStore } from "../cameras/camera-store.js";
import { CamerasView } from "../cameras/cameras-view.js";
import { formatClock } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { createMap } from "../map/map-view.js";
import { SearchView } from "../search/search-view.js";
import { ShiftReportView } from "../reports/shift-report-view.js";
import { PlateTicker } from "../ticker/plate-ticker.js";
import { h } from "../ui/dom.js";
import { UsersView } from "../users/users-view.js";
import { UnitsView } from "../units/units-view.js";
import { WatchlistView } from "../watchlist/watchlist-view.js";
import { canFor, type AppContext, type ViewName } from "./context.js";
import { installShortcuts, MAX_VIEW_KEYS, SHORTCUT_KEYS, viewKeyRange } from "./keyboard.js";
import { languageSwitch } from "./language-switch.js";
import { forgetSession } from "../auth/session-hint.js";
import { safeStorage } from "../ui/storage.js";
import { LiveWall } from "../live/live-view.js";
import { createToaster } from "./toaster.js";

const cameraListResponse = z.union([z.object({ items: z.array(cameraViewSchema) }).transform((v) => v.items), z.array(cameraViewSchema)]);

/** Builds the signed-in console: top bar, map, side panel views, ticker, live feed and shortcuts. */
export async function startConsole(root: HTMLElement, api: ApiClient, user: PublicUser): Promise<void> {
  const can = canFor(user);
  const mapEl = h("div", { class: "map", attrs: { id: "map", "aria-label": t("map.label") } });
  const side = h("aside", { class: "side" });
  const nav = h("nav", { class: "nav", attrs: { "aria-label": t("app.navigation") } });
  const live = h("span", { class: "live off", title: t("live.offline") }, h("span", { class: "dot" }), h("span", { class: "live-text" }, t("live.offline")));
  const clock = h("span", { class: "clock", title: "Asia/Ho_Chi_Minh" });
  const mute = h("button", { class: "btn icon", attrs: { type: "button", "data-action": "mute" } });
  const toaster = createToaster();
  const workspace = h("div", { class: "workspace" }, mapEl, side);
  const app = h("div", { class: "app" });
  root.replaceChildren(app);

  const sound = new AlertSound(safeStorage());
  const cameras = new CameraStore();
  const alerts = new AlertStore();
  const views = new Map<ViewName, { element: HTMLElement; onShow?: () => void; width?: "wide" | "medium" }>();

  // The map needs its container in the document before Leaflet measures it.
  app.append(workspace);
  const map = createMap(mapEl, () => undefined, () => api.get("/api/v1/map/config", mapConfigResponseSchema));
  const ctx: AppContext = { api, user, cameras, alerts, sound, map, show, toast: toaster.show, can };

  const alertsPanel = new AlertsPanel(ctx);
  const notifications = new BrowserNotifications({
    cameraName: (id) => cameras.name(id),
    onOpen: (id) => {
      show("alerts");
      alertsPanel.select(id, true);
    },
  });
  const liveAlerts = new LiveAlerts(ctx, alertsPanel, notifications);
  const search = new SearchView(ctx);
  const watchlist = new WatchlistView(ctx);
  const camerasView = new CamerasView(ctx);
  views.set("alerts", { element: alertsPanel.element });
  views.set("search", { element: search.element, onShow: () => search.focus(), width: "medium" });
  views.set("watchlist", { element: watchlist.element, onShow: () => void watchlist.refresh(), width: "medium" });
  views.set("cameras", { element: camerasView.element, onShow: () => camerasView.render(), width: "wide" });
  // Supervisors read their units' shift report and audit rows (the server scopes them); admins all of them.
  if (can("supervisor")) {
    const report = new ShiftReportView(ctx);
    views.set("report", { element: report.element, onShow: () => void report.refresh(), width: "wide" });
    const audit = new AuditView(ctx);
    views.set("audit", { element: audit.element, onShow: () => void audit.refresh(), width: "wide" });
  }
  if (can("admin")) {
    const users = new UsersView(ctx);
    views.set("users", { element: users.element, onShow: () => void users.refresh(), width: "wide" });
    const units = new UnitsView(ctx);
    views.set("units", { element: units.element, onShow: () => void units.refresh(), width: "wide" });
  }
  // The view keys as this user has them ("1–8" for an admin, "1–4" for an operator).
  const helpOverlay = h(
    "div",
    { class: "help-overlay", attrs: { hidden: true, role: "dialog", "aria-label": t("help.title") } },
    h("h3", null, t("help.title")),
    h("dl", null, ...SHORTCUT_KEYS.flatMap((k) => [h("dt", null, h("kbd", null, k === "1–9" ? viewKeyRange(views.size) : k)), h("dd", null, t(`help.key.${k}`))])),
  );
  const navButtons = new Map<ViewName, HTMLButtonElement>();
  [...views.keys()].forEach((name, i) => {
    const b = h("button", { class: "nav-btn", attrs: { type: "button", "data-nav": name, title: i < MAX_VIEW_KEYS ? `${t(`nav.${name}`)} (${i + 1})` : t(`nav.${name}`) }, on: { click: () => show(name) } }, t(`nav.${name}`));
    navButtons.set(name, b);
    nav.append(b);
  });

  function show(name: ViewName): void {
    const view = views.get(name);
    if (!view) return;
    side.replaceChildren(view.element);
    side.classList.toggle("wide", view.width === "wide");
    side.classList.toggle("medium", view.width === "medium");
    for (const [n, b] of navButtons) b.classList.toggle("on", n === name);
    view.onShow?.();
    requestAnimationFrame(() => map.map.invalidateSize());
  }

  const renderMute = () => {
    mute.textContent = sound.isMuted ? `🔇 ${t("sound.muted")}` : `🔊 ${t("sound.on")}`;
    mute.classList.toggle("warn", sound.isMuted);
    mute.title = `${t("sound.toggle")} (m)`;
  };
  mute.addEventListener("click", () => sound.toggleMute());
  sound.mutedChanged.on(renderMute);
  renderMute();

  const logout = h(
    "button",
    {
      class: "btn",
      attrs: { type: "button", "data-action": "logout" },
      on: {
        click: async () => {
          forgetSession(safeStorage());
          try {
            await api.post("/api/v1/auth/logout", z.unknown());
          } finally {
            window.location.reload();
          }
        },
      },
    },
    t("app.logout"),
  );
  const topbar = h(
    "header",
    { class: "topbar" },
    h("span", { class: "brand" }, "VIGIL"),
    nav,
    // One group, kept whole and to the right: on a narrow screen it wraps below the navigation
    // instead of pushing "log out" off the edge.
    h(
      "div",
      { class: "topbar-tools" },
      live,
      clock,
      mute,
      notifications.button,
      languageSwitch(),
      h("span", { class: "user", attrs: { "data-role": user.role } }, `${user.username} · ${t(`role.${user.role}`)}`),
      logout,
    ),
  );
  const ticker = new PlateTicker(cameras, (plate) => {
    show("search");
    search.prefill(plate);
  });
  // Live view (#17): any [data-live-camera] button opens the camera in this panel.
  const liveWall = new LiveWall(cameras, (m) => toaster.show(m));
  app.replaceChildren(liveAlerts.banner, topbar, workspace, ticker.element, toaster.element, helpOverlay, alertsPanel.viewer.element, liveWall.element);
  show("alerts");

  const tick = () => (clock.textContent = formatClock(Date.now(), getLang()));
  tick();
  window.setInterval(tick, 1000);

  let fitted = false;
  cameras.reset.on((list) => {
    map.cameras.setCameras(list);
    // Only the first time: a refresh after a reconnect must not yank the operator's view away.
    if (!fitted && list.length) {
      map.fitCameras();
      fitted = true;
    }
  });
  cameras.changed.on((cam) => map.cameras.update(cam));

  try {
    cameras.replaceAll(await api.get("/api/v1/cameras", cameraListResponse));
  } catch (err) {
    toaster.show(`${t("cameras.loadFailed")}: ${(err as Error).message}`, "error");
  }
  try {
    await liveAlerts.load();
  } catch (err) {
    toaster.show(`${t("alerts.loadFailed")}: ${(err as Error).message}`, "error");
  }

  let wasConnected = false;
  connectLiveFeed({
    onAlertNew: (a) => liveAlerts.onNew(a),
    onAlertUpdate: (a) => liveAlerts.onUpdate(a),
    onCameraStatus: (s) => cameras.applyStatus(s),
    onPlateRead: (e) => {
      ticker.add(e);
      if (e.snapshot) cameras.setSnapshot(e.cameraId, e.snapshot);
    },
    onConnection: (connected) => {
      // After a drop, fetch what changed meanwhile: Socket.IO does not replay missed events.
      if (connected && wasConnected) {
        void liveAlerts.load().catch(() => undefined);
        void api.get("/api/v1/cameras", cameraListResponse).then((list) => cameras.replaceAll(list), () => undefined);
      }
      if (connected) wasConnected = true;
      // A refused handshake may mean the session ended; /me answers 401 then and the client returns to the login.
      else void api.get("/api/v1/me", meResponseSchema).catch(() => undefined);
      live.classList.toggle("off", !connected);
      live.title = t(connected ? "live.online" : "live.offline");
      (live.querySelector(".live-text") as HTMLElement).textContent = t(connected ? "live.online" : "live.offline");
    },
  });

  const viewNames = () => [...views.keys()];
  installShortcuts({
    next: () => (show("alerts"), alertsPanel.move(1)),
    previous: () => (show("alerts"), alertsPanel.move(-1)),
    acknowledge: () => void alertsPanel.acknowledgeSelected(),
    resolve: () => void alertsPanel.resolveSelected(),
    toggleMute: () => sound.toggleMute(),
    focusSearch: () => (show("search"), search.focus()),
    flyToSelected: () => {
      const id = alerts.selectedId;
      const a = id ? alerts.get(id) : undefined;
      if (a) map.cameras.focus(a.cameraId, { openPopup: true });
    },
    showView: (i) => {
      const name = viewNames()[i];
      if (name) show(name);
    },
    toggleHelp: () => (helpOverlay.hidden = !helpOverlay.hidden),
    closeHelp: () => (helpOverlay.hidden = true),
  }, () => views.size);
}
