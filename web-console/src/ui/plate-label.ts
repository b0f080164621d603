import { plateWithProvince } from "../format/plate.js";
import { h } from "./dom.js";

/**
 * A plate for the screen: the plate itself in a fixed-width face (so 0/O, 1/I read apart) and the
 * province in the normal face — monospace fonts mangle Vietnamese diacritics ("Hồ").
 */
export function plateLabel(display: string | undefined, key?: string): HTMLElement {
  const text = plateWithProvince(display, key);
  const sep = text.indexOf(" · ");
  if (sep < 0) return h("span", { class: "plate-label" }, h("span", { class: "plate" }, text));
  return h("span", { class: "plate-label" }, h("span", { class: "plate" }, text.slice(0, sep)), h("span", { class: "province" }, text.slice(sep)));
}
