/** Keys an operator can use without the mouse; each handler is optional so views can be absent (e.g. audit for operators). */
export interface ShortcutHandlers {
  next(): void;
  previous(): void;
  acknowledge(): void;
  resolve(): void;
  toggleMute(): void;
  focusSearch(): void;
  flyToSelected(): void;
  showView(index: number): void;
  toggleHelp(): void;
}

export const SHORTCUT_KEYS = ["j", "k", "a", "r", "m", "/", "f", "1–5", "?"] as const;

/** What a key event can tell about where the keys go: its target, its composed path, the focused element. */
interface KeyContext {
  target: unknown;
  composedPath?: () => unknown[];
  isComposing?: boolean;
  key: string;
}

/** Duck-typed (no `instanceof HTMLElement`): an element of another realm or a shadow root counts too. */
function isField(node: unknown): boolean {
  if (!node || typeof node !== "object") return false;
  const el = node as { tagName?: unknown; isContentEditable?: unknown };
  return el.isContentEditable === true || (typeof el.tagName === "string" && ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName.toUpperCase()));
}

/**
 * Whether keys are going into a text field — then nothing is a shortcut. The event's target alone is
 * not enough: once a shortcut has moved the focus into the plate field (key `2`), the keys typed next
 * must reach the field whatever the event names as its target (an input method, a shadow root, a key
 * event retargeted to the document), so the focused element and the composed path count as well. An
 * input method's composition (Vietnamese Telex/VNI, whose tone keys are digits) is typing too.
 */
export function isTyping(e: KeyContext, active: unknown = typeof document === "undefined" ? null : document.activeElement): boolean {
  if (e.isComposing || e.key === "Process") return true;
  if (isField(e.target) || isField(active)) return true;
  return (e.composedPath?.() ?? []).some(isField);
}

/** Maps a key press to an action; returns the action name for tests and null when the key is not a shortcut. */
export function shortcutFor(key: string): keyof ShortcutHandlers | { view: number } | null {
  switch (key) {
    case "j":
    case "ArrowDown":
      return "next";
    case "k":
    case "ArrowUp":
      return "previous";
    case "a":
      return "acknowledge";
    case "r":
      return "resolve";
    case "m":
      return "toggleMute";
    case "/":
      return "focusSearch";
    case "f":
    case "Enter":
      return "flyToSelected";
    case "?":
      return "toggleHelp";
    default:
      return /^[1-5]$/.test(key) ? { view: Number(key) - 1 } : null;
  }
}

export function installShortcuts(handlers: ShortcutHandlers): () => void {
  const onKey = (e: KeyboardEvent) => {
    const typing = isTyping(e);
    if (e.key === "Escape" && typing) {
      (document.activeElement as HTMLElement | null)?.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing) return;
    // Enter on a focused button or link keeps its native meaning.
    if (e.key === "Enter" && e.target instanceof HTMLElement && e.target.closest("button,a,[tabindex='0']")) return;
    const action = shortcutFor(e.key);
    if (action === null) return;
    e.preventDefault();
    if (typeof action === "object") handlers.showView(action.view);
    else if (action === "showView") return;
    else handlers[action]();
  };
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}
