import { isMediaUrlPath } from "@vigil/contracts";

/**
 * A tiny element builder. Every piece of text goes in through `textContent`, never `innerHTML`,
 * so plates, notes and camera names typed by people can't inject markup into other operators' screens.
 */
export type Child = Node | string | number | null | undefined | false;

type Handlers = { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };

export interface ElementOptions {
  class?: string;
  attrs?: Record<string, string | number | boolean | null | undefined>;
  on?: Handlers;
  title?: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (options?.class) el.className = options.class;
  if (options?.title) el.title = options.title;
  for (const [name, value] of Object.entries(options?.attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [type, handler] of Object.entries(options?.on ?? {})) {
    el.addEventListener(type, handler as EventListener);
  }
  append(el, children);
  return el;
}

/**
 * A labelled form control, as every form in the console lays them out: `<label class="field"><span>label</span>control</label>`.
 * `cls` adds classes (e.g. "grow"); `labelExtras` follow the label text inside its span (ui/date-field.ts: the chosen date).
 */
export function field(label: string, control: HTMLElement, cls = "", ...labelExtras: Child[]): HTMLLabelElement {
  return h("label", { class: `field ${cls}`.trim() }, h("span", null, label, ...labelExtras), control);
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** An <img> for an evidence path (`/media/...`); the session cookie goes with it, same origin. */
export function evidenceImage(src: string | null | undefined, alt: string, className = "evidence"): HTMLElement | null {
  // Only this system's /media files: an evidence path from a forged event (another host, or an API
  // route like /api/v1/plates?q=…) would otherwise be fetched under the operator's session.
  if (!src || !isMediaUrlPath(src)) return null;
  const img = h("img", { class: className, attrs: { src, alt, loading: "lazy", decoding: "async" } });
  img.addEventListener("error", () => img.classList.add("broken"), { once: true });
  return img;
}
