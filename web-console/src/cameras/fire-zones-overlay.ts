import type { CameraView } from "@vigil/contracts";
import { t } from "../i18n/index.js";
import { evidenceImage, h } from "../ui/dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>, ...children: (SVGElement | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  for (const child of children) el.append(child);
  return el;
}

/**
 * The zones as an SVG laid over the image. Zones are fractions of the image, so a 0..1 viewBox
 * stretched over the picture (`preserveAspectRatio="none"`) puts them in place at any size.
 */
export function fireZonesSvg(zones: NonNullable<CameraView["fireZones"]>): SVGSVGElement {
  return svg(
    "svg",
    { class: "fire-zones", viewBox: "0 0 1 1", preserveAspectRatio: "none", "aria-hidden": "true" },
    ...zones.map((zone, i) =>
      svg("polygon", { class: "fire-zone", points: zone.map(([x, y]) => `${x},${y}`).join(" "), "data-zone": String(i) }, svg("title", {}, t("camera.fireZone", { n: i + 1 }))),
    ),
  );
}

/**
 * The camera's latest image with its fire exclusion zones drawn over it. Without an image yet,
 * the zones are drawn on an empty frame so the operator still sees where they are.
 */
export function snapshotWithFireZones(camera: Pick<CameraView, "lastSnapshot" | "fireZones">): HTMLElement {
  const zones = camera.fireZones ?? [];
  const image = evidenceImage(camera.lastSnapshot, t("camera.snapshot"), "cam-popup-snapshot");
  if (zones.length === 0) return image ?? h("div", { class: "muted small" }, t("camera.noSnapshot"));
  return h(
    "figure",
    { class: "cam-popup-frame" },
    h("div", { class: `cam-popup-picture${image ? "" : " empty"}` }, image ?? h("span", { class: "muted small" }, t("camera.noSnapshot")), fireZonesSvg(zones)),
    h("figcaption", { class: "small" }, h("span", { class: "fire-zone-swatch" }), t("camera.fireZones.legend")),
  );
}
