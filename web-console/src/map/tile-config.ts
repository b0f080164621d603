/**
 * A site with its own tile server sets the URL template once by opening the console with
 * `?tiles=https://tiles.local/{z}/{x}/{y}.png` (or a same-origin `/tiles/{z}/{x}/{y}.png`); it is
 * remembered on that machine and beats the alert service's street map (MAP_TILES_URL / MAP_TILES_FILE).
 * `?tiles=off` forgets it. Without either the offline outlines are the map.
 */
import { XYZ_TEMPLATE } from "@vigil/contracts";

const TILES_KEY = "vigil.tiles";

export function configuredTileUrl(search: string, storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null): string | null {
  const param = new URLSearchParams(search).get("tiles");
  if (param !== null) {
    if (param === "" || param === "off") storage?.removeItem(TILES_KEY);
    else if (XYZ_TEMPLATE.test(param)) storage?.setItem(TILES_KEY, param);
  }
  const saved = storage?.getItem(TILES_KEY) ?? null;
  return saved && XYZ_TEMPLATE.test(saved) ? saved : null;
}
