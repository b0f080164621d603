import type { PlateTrackResponse } from "@vigil/contracts";
import L from "leaflet";
import { formatClock, formatDateTime } from "../format/time.js";
import { getLang } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { groupStops, orderTrack, seqLabel } from "./track.js";

/**
 * "Where did this car go?": the vehicle's sightings in time order, joined by a line, each stop a
 * numbered marker with its time(s). Drawn above the cameras; cleared when another plate is chosen.
 */
export class TrackLayer {
  private readonly group = L.featureGroup();

  constructor(private readonly map: L.Map) {
    this.group.addTo(map);
  }

  /** Draws the track and fits the map to it; returns how many sightings could be placed. */
  show(track: PlateTrackResponse): number {
    this.clear();
    const sightings = orderTrack(track.points);
    if (sightings.length === 0) return 0;
    const lang = getLang();
    const line = sightings.map((s) => L.latLng(s.lat, s.lon));
    L.polyline(line, { color: "#0b0f14", weight: 8, opacity: 0.7, interactive: false }).addTo(this.group);
    L.polyline(line, { color: "#4cc3ff", weight: 4, opacity: 0.95, dashArray: "10 6", interactive: false, className: "track-line" }).addTo(
      this.group,
    );
    const stops = groupStops(sightings);
    stops.forEach((stop, i) => {
      const label = seqLabel(stop.seqs);
      const isLast = i === stops.length - 1;
      const icon = L.divIcon({
        html: h("div", { class: `track-marker${i === 0 ? " first" : ""}${isLast ? " last" : ""}` }, label),
        className: "track-marker-wrap",
        iconSize: [26, 26],
        iconAnchor: [13, 13],
      });
      const time = stop.first === stop.last ? formatClock(stop.first, lang) : `${formatClock(stop.first, lang)}–${formatClock(stop.last, lang)}`;
      // Kept to number and time so nearby stops stay readable; the camera is in the popup.
      const tip = h("div", { class: "track-tip", title: stop.cameraName ?? stop.cameraId }, h("b", null, `${label}. `), time);
      L.marker([stop.lat, stop.lon], { icon, zIndexOffset: 1000, keyboard: false })
        // Alternate sides so labels of nearby stops don't cover each other.
        .bindTooltip(tip, { permanent: true, direction: i % 2 ? "left" : "right", offset: [i % 2 ? -14 : 14, 0], className: "track-tooltip" })
        .bindPopup(h("div", null, h("b", null, track.display), h("div", null, formatDateTime(stop.first, lang)), stop.cameraName ?? stop.cameraId))
        .addTo(this.group);
    });
    const bounds = this.group.getBounds();
    if (bounds.isValid()) this.map.flyToBounds(bounds.pad(0.25), { maxZoom: 17, duration: 0.8 });
    return sightings.length;
  }

  clear(): void {
    this.group.clearLayers();
  }
}
