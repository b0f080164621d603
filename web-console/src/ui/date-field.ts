import { formatInputDate } from "../format/time.js";
import { t } from "../i18n/index.js";
import { field, h } from "./dom.js";

/**
 * A form field around a native `date` / `datetime-local` input. The input itself shows the date in
 * the browser's own language and order (mm/dd/yyyy in an English-US Chromium, whatever the page's
 * language — a browser matter; Chromium ignores `lang` there and Playwright's locale too), so the
 * label spells the chosen date out as the console writes dates: "Ngày trực · ngày/tháng/năm:
 * 04/12/2026". Not a date picker of its own: the native one stays.
 */
export function dateField(label: string, input: HTMLInputElement): HTMLLabelElement {
  const value = h("span", { class: "date-value" });
  const readback = h("span", { class: "date-readback", attrs: { "data-date-readback": input.name || true } }, ` · ${t("date.order")}: `, value);
  const update = () => {
    const text = formatInputDate(input.value);
    value.textContent = text;
    readback.hidden = !text;
  };
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  // A form reset (the watchlist after adding) empties the input without an input event.
  queueMicrotask(() => input.form?.addEventListener("reset", () => setTimeout(update)));
  update();
  return field(label, input, "", readback);
}
