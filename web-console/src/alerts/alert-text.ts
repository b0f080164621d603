import type { Alert } from "@vigil/contracts";
import { plateWithProvince } from "../format/plate.js";
import { t } from "../i18n/index.js";

/** The one-line headline of an alert, the same in the list, the banner and the browser title. */
export function alertHeadline(alert: Alert): string {
  switch (alert.type) {
    case "watchlist_hit":
      return t("alert.headline.watchlist_hit", { plate: plateWithProvince(alert.display, alert.plate) });
    case "fire":
      return t("alert.headline.fire");
    case "smoke":
      // Smoke without flame not yet seen to persist and grow: "possible", said so, and no alarm (low severity).
      return t(alert.possible === true ? "alert.headline.possible_smoke" : "alert.headline.smoke");
    case "camera_offline":
      return t("alert.headline.camera_offline");
  }
}
