import { h } from "../ui/dom.js";

/** Short-lived messages in the corner: action results and errors that need no dialog. */
export function createToaster(): { element: HTMLElement; show(message: string, kind?: "info" | "error"): void } {
  const element = h("div", { class: "toaster", attrs: { "aria-live": "polite" } });
  return {
    element,
    show(message, kind = "info") {
      const toast = h("div", { class: `toast ${kind}`, attrs: { role: kind === "error" ? "alert" : "status" } }, message);
      element.append(toast);
      window.setTimeout(() => toast.remove(), kind === "error" ? 8000 : 4000);
    },
  };
}
