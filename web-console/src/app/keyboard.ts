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
  /** Escape outside a text field: closes the shortcut help if it is open. */
  closeHelp(): void;
}

export const SHORTCUT_KEYS = ["j", "k", "a", "r", "m", "/", "f", "1–9", "?"] as const;

/** Digit keys 1–9 switch to the n-th side view present (a supervisor/admin has up to 8). */
export const MAX_VIEW_KEYS = 9;

/** What the help overlay shows for the view keys: the keys that really do something ("1–8" for an admin, "1–4" for an operator). */
export function viewKeyRange(viewCount: number): string {
  const n = Math.max(0, Math.min(MAX_VIEW_KEYS, Math.floor(viewCount)));
  return n <= 1 ? (n === 1 ? "1" : "") : `1–${n}`;
}

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

/**
 * Maps a key press to an action; returns the action name for tests and null when the key is not a shortcut.
 * A digit beyond `viewCount` (the side views this user has) is no shortcut at all.
 */
export function shortcutFor(key: string, viewCount = MAX_VIEW_KEYS): keyof ShortcutHandlers | { view: number } | null {
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
    case "Escape":
      return "closeHelp";
    default:
      return /^[1-9]$/.test(key) && Number(key) <= viewCount ? { view: Number(key) - 1 } : null;
  }
}

/** `viewCount`: how many side views there are now, so digits beyond them are left alone. */
export function installShortcuts(handlers: ShortcutHandlers, viewCount: () => number = () => MAX_VIEW_KEYS): () => void {
  const onKey = (e: KeyboardEvent) => {
    const typing = isTyping(e);
    if (e.key === "Escape" && typing) {
      (document.activeElement as HTMLElement | null)?.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing) return;
    // Enter on a focused button or link keeps its native meaning.
    if (e.key === "Enter" && e.target instanceof HTMLElement && e.target.closest("button,a,[tabindex='0']")) return;
    const action = shortcutFor(e.key, viewCount());
    if (action === null) return;
    // Escape keeps its native meaning too (a dialog, the evidence viewer, a menu closes on it as well).
    if (action === "closeHelp") return handlers.closeHelp();
    e.preventDefault();
    if (typeof action === "object") handlers.showView(action.view);
    else if (action === "showView") return;
    else handlers[action]();
  };
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}
