import type { Alert } from "@vigil/contracts";
import { isMediaUrlPath } from "@vigil/contracts";
import { html, nothing, type TemplateResult } from "lit-html";
import { t } from "../i18n/index.js";

/** Alerts about something a camera saw get a clip (some 10 s after they are raised) and a live button. */
const CAMERA_ALERTS = new Set<Alert["type"]>(["watchlist_hit", "fire", "smoke", "camera_offline"]);
const CLIP_ALERTS = new Set<Alert["type"]>(["watchlist_hit", "fire", "smoke"]);

/**
 * The alert card's video block (#17): the event clip playing in place (`<video controls>`, from
 * /media/ with the session cookie) with a download link, and a button opening the camera's live view.
 * Only paths this system serves are used (isMediaUrlPath), as for the evidence pictures.
 */
export function alertVideoTemplate(alert: Alert): TemplateResult | typeof nothing {
  if (!CAMERA_ALERTS.has(alert.type)) return nothing;
  const live = html`<button class="btn small live-open" type="button" data-action="live-view" data-live-camera=${alert.cameraId} title=${t("liveView.open")}>▶ ${t("liveView.open")}</button>`;
  const clip = alert.clip && isMediaUrlPath(alert.clip) ? alert.clip : null;
  const recent = Date.now() - Date.parse(alert.raisedAt ?? alert.ts) < 60_000;
  const video = clip
    ? html`<figure class="alert-clip" data-clip=${clip}><figcaption>${t("alert.clip")}</figcaption><video class="clip-video" controls preload="metadata" muted playsinline src=${clip}></video><a class="btn small" href=${clip} download data-action="download-clip">⬇ ${t("alert.clipDownload")}</a></figure>`
    : CLIP_ALERTS.has(alert.type) && recent
      ? html`<div class="alert-clip pending muted">${t("alert.clipPending")}</div>`
      : nothing;
  return html`<div class="alert-video">${video}${live}</div>`;
}
