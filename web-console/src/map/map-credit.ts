import { t } from "../i18n/index.js";

/** "© OpenStreetMap contributors" in its common spellings, so a tiles file's credit does not repeat ours. */
const OSM_CREDIT = /(©|\(c\)|copyright)?\s*openstreetmap(\s+contributors)?/gi;

/**
 * The map's credit as text: OpenStreetMap's in the console's language, then whatever else the tiles'
 * own credit names (a tiles provider, a survey office).
 */
export function tilesCredit(attribution: string | undefined): string[] {
  const parts = [t("map.osmCredit")];
  const rest = (attribution ?? "").replace(OSM_CREDIT, " ").replace(/\s+/g, " ").replace(/^[\s,;·|&–-]+|[\s,;·|&–-]+$/g, "");
  if (/\p{L}/u.test(rest)) parts.push(rest);
  return parts;
}

/** Leaflet puts attributions in as HTML; the credits here are text (one may come from a tiles file). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
