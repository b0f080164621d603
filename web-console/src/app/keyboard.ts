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

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
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
    if (e.key === "Escape" && isTyping(e.target)) {
      (e.target as HTMLElement).blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
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
