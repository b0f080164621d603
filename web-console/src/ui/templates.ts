import { isMediaUrlPath } from "@vigil/contracts";
import { html, nothing, type TemplateResult } from "lit-html";

/**
 * Pieces shared by the lit-html views. lit-html puts text in through text nodes and attributes
 * through `setAttribute`, never as markup, so like `h()` a plate or note typed by someone cannot
 * inject HTML into another operator's screen.
 *
 * Templates are written without whitespace between tags: a line break between two inline elements
 * would be a visible gap and would end up in their parent's text.
 */

const markBroken = (e: Event) => (e.currentTarget as HTMLElement).classList.add("broken");
const unmarkBroken = (e: Event) => (e.currentTarget as HTMLElement).classList.remove("broken");

/**
 * `evidenceImage()` as a template: an <img> for this system's own `/media/...` files only (an
 * evidence path from a forged event would otherwise be fetched under the operator's session).
 * Re-rendered with the same path, the element and its loaded picture stay as they are.
 */
export function evidenceImageTemplate(src: string | null | undefined, alt: string, className = "evidence"): TemplateResult | typeof nothing {
  if (!src || !isMediaUrlPath(src)) return nothing;
  return html`<img class=${className} src=${src} alt=${alt} loading="lazy" decoding="async" @error=${markBroken} @load=${unmarkBroken}>`;
}

/**
 * Puts focus back on `element` when a keyed re-render moved it (lit's `repeat` moves a node by
 * re-inserting it, and the browser drops focus from a node taken out of the document even for a
 * moment). The node is the same one, so its typed text and caret are intact; only focus is lost.
 */
export function keepFocus(element: Element | null, within: Element): void {
  if (!(element instanceof HTMLElement) || element === document.activeElement) return;
  if (element.isConnected && within.contains(element)) element.focus({ preventScroll: true });
}
