/**
 * A site with its own tile server sets the URL template once by opening the console with
 * `?tiles=https://tiles.local/{z}/{x}/{y}.png` (or a same-origin `/tiles/{z}/{x}/{y}.png`); it is
 * remembered on that machine. `?tiles=off` forgets it. Without one the offline outlines are the map.
 */
const TILES_KEY = "vigil.tiles";
const TEMPLATE = /^(https?:\/\/[^\s]+|\/[^\s]*)\{z\}[^\s]*\{x\}[^\s]*\{y\}[^\s]*$/;

export function configuredTileUrl(search: string, storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null): string | null {
  const param = new URLSearchParams(search).get("tiles");
  if (param !== null) {
    if (param === "" || param === "off") storage?.removeItem(TILES_KEY);
    else if (TEMPLATE.test(param)) storage?.setItem(TILES_KEY, param);
  }
  const saved = storage?.getItem(TILES_KEY) ?? null;
  return saved && TEMPLATE.test(saved) ? saved : null;
}
